"""Start to first answer: launches a server ROUNDS times and measures, from the exec to
the first 200 of URL_PATH, polling its port every millisecond (bounded at 10 s a start).
Used by bench/startup.sh; prints the median in milliseconds.
    startup.py ROUNDS URL_PATH PORT COMMAND..."""
import http.client
import statistics
import subprocess
import sys
import time


def first_answer(port, path, started):
    deadline = started + 10
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.001)
    raise RuntimeError("no 200 from %s within 10 s" % path)


def main():
    rounds, path, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    command = sys.argv[4:]
    times = []
    for _ in range(rounds):
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            times.append(first_answer(port, path, started))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("%.1f" % (statistics.median(times) * 1000))


if __name__ == "__main__":
    main()
