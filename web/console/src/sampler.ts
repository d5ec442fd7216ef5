// Samples every watched process's /metrics (relayed by /console/api/metrics) every
// INTERVAL while the page is visible, and keeps an hour of figures per process, the
// state of each one's alarms, and every change of state seen.
import { parse, Scrape } from './prometheus';
import { alarms, figures, type AlarmNow, type Figures } from './figures';

export const INTERVAL = 2000;
const KEEP = 1800;  // an hour of samples

export interface Target { name: string; up: boolean | null; problem: string; alarms: AlarmNow[] }
export interface Transition { at: number; target: string; alarm: string; from: string; to: string }

export class Unauthorized extends Error {}
// The console's own requests were refused by the edge rules (its address is over the rate
// limit): nothing is known about the processes until they pass again.
export class Throttled extends Error {}

async function fetchText(path: string): Promise<string> {
  const r = await fetch(path, { credentials: 'same-origin' });
  if (r.status === 401) throw new Unauthorized('signed out');
  if (r.status === 429)
    throw new Throttled(`The console's requests are rate-limited (guard.rate_limit); retrying, next in ${r.headers.get('Retry-After') ?? '?'} s.`);
  const text = await r.text();
  if (!r.ok) {
    let message = `answered ${r.status}`;
    try { message = JSON.parse(text).error.message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return text;
}

export class Sampler {
  times: number[] = [];  // seconds since the epoch
  series = new Map<string, Map<string, (number | null)[]>>();  // target → figure → values
  targets: Target[] = [];
  history: Transition[] = [];
  bytesLastSample = 0;
  throttled = '';  // why the last sample could not be taken, when the edge refused it
  private last = new Map<string, Scrape>();
  private timer: number | undefined;
  private ticks = 0;
  private listeners = new Set<() => void>();

  constructor(private readonly onSignedOut: () => void) {}

  subscribe(f: () => void) { this.listeners.add(f); return () => { this.listeners.delete(f); }; }

  start() {
    const loop = async () => {
      if (!document.hidden) await this.tick();
      this.timer = window.setTimeout(loop, INTERVAL);
    };
    loop();
  }

  stop() { window.clearTimeout(this.timer); }

  private async tick() {
    try {
      if (this.ticks++ % 15 === 0 || this.targets.length === 0) await this.loadTargets();
      const now = Date.now();
      let bytes = 0;
      const results = await Promise.all(this.targets.map(async (t) => {
        try {
          const text = await fetchText(`/console/api/metrics?target=${encodeURIComponent(t.name)}`);
          bytes += text.length;
          return new Scrape(now, parse(text));
        } catch (e) {
          if (e instanceof Unauthorized || e instanceof Throttled) throw e;
          t.problem = (e as Error).message;
          return null;
        }
      }));
      this.throttled = '';
      this.bytesLastSample = bytes;
      this.times.push(now / 1000);
      this.targets.forEach((t, i) => this.record(t, results[i]));
      if (this.times.length > KEEP) {
        this.times.shift();
        for (const figs of this.series.values()) for (const values of figs.values()) values.shift();
      }
    } catch (e) {
      if (e instanceof Unauthorized) { this.stop(); this.onSignedOut(); return; }
      if (e instanceof Throttled) this.throttled = e.message;
    }
    for (const f of this.listeners) f();
  }

  private async loadTargets() {
    const body = JSON.parse(await fetchText('/console/api/targets')) as { targets: { name: string }[] };
    const known = new Map(this.targets.map((t) => [t.name, t]));
    this.targets = body.targets.map((t) => known.get(t.name) ?? { name: t.name, up: null, problem: '', alarms: [] });
  }

  private record(t: Target, scrape: Scrape | null) {
    let figs = this.series.get(t.name);
    if (!figs) {
      figs = new Map();
      this.series.set(t.name, figs);
    }
    const before = this.last.get(t.name);
    const values: Figures = scrape && before ? figures(before, scrape) : {};
    for (const key of Object.keys(values)) {
      if (!figs.has(key)) figs.set(key, new Array(this.times.length - 1).fill(null));
    }
    for (const [key, list] of figs) list.push(values[key] ?? null);
    t.up = scrape !== null;
    if (scrape) {
      t.problem = '';
      this.last.set(t.name, scrape);
      this.noteAlarms(t, alarms(scrape));
    }
  }

  private noteAlarms(t: Target, now: AlarmNow[]) {
    const first = t.alarms.length === 0;
    for (const a of now) {
      const was = t.alarms.find((x) => x.alarm === a.alarm);
      if (first || !was || was.state !== a.state)
        this.history.unshift({ at: a.since ?? Date.now() / 1000, target: t.name, alarm: a.alarm,
                               from: was?.state ?? '', to: a.state });
    }
    this.history = this.history.slice(0, 200);
    t.alarms = now;
  }

  // The values of one figure for one target, aligned with `times`.
  values(target: string, figure: string): (number | null)[] {
    return this.series.get(target)?.get(figure) ?? new Array(this.times.length).fill(null);
  }
}
