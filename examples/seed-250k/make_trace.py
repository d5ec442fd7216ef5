#!/usr/bin/env python3
"""Writes trace.csv: a day of the seed scenario, concurrent users per minute.

From 40,000 at 04:00 the users rise along a half cosine to 250,000 at 20:00 (the seed's
peak) and fall back by 04:00; at 12:30 a push notification campaign brings a ten-minute
surge to 280,000, above what the seed's target capacity was sized for.
"""
import math

LOW, PEAK, SURGE = 40_000, 250_000, 280_000


def users(minute):
    if 750 <= minute < 760:
        return SURGE
    h = minute / 60
    rising = (h - 4) % 24  # hours since 04:00
    if rising <= 16:
        shape = (1 - math.cos(math.pi * rising / 16)) / 2
    else:
        shape = (1 + math.cos(math.pi * (rising - 16) / 8)) / 2
    return round(LOW + (PEAK - LOW) * shape)


with open("trace.csv", "w") as out:
    out.write("# " + __doc__.splitlines()[0] + " Written by make_trace.py.\n")
    out.write("minute,users\n")
    for minute in range(1440):
        out.write(f"{minute},{users(minute)}\n")
