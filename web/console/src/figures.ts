// The console's figures, each computed from two scrapes of one process's /metrics the way
// a Prometheus query would (rate(), histogram_quantile()).
import type { Scrape } from './prometheus';

export interface Chart { id: string; title: string; unit: string; lines: { key: string; label: string }[] }

export const charts: Chart[] = [
  { id: 'rps', title: 'Requests', unit: '/s', lines: [{ key: 'rps', label: 'requests/s' }] },
  { id: 'latency', title: 'Latency', unit: 'ms', lines: [{ key: 'p50', label: 'p50' }, { key: 'p99', label: 'p99' }] },
  { id: 'errors', title: 'Errors by class', unit: '/s',
    lines: [{ key: 'e4xx', label: '4xx/s' }, { key: 'e5xx', label: '5xx/s' }] },
  { id: 'conns', title: 'Connections and in flight', unit: '',
    lines: [{ key: 'open', label: 'open connections' }, { key: 'inflight', label: 'in flight' }] },
  { id: 'rejections', title: 'Admission and rate-limit rejections', unit: '/s',
    lines: [{ key: 'admission', label: 'admission 503/s' }, { key: 'limited', label: 'rate-limited 429/s' }] },
  { id: 'queue', title: 'Queue', unit: '',
    lines: [{ key: 'depth', label: 'jobs waiting' }, { key: 'oldest', label: 'oldest job (s)' }] },
  { id: 'store', title: 'Store', unit: '',
    lines: [{ key: 'pool', label: 'pool in use (%)' }, { key: 'lag', label: 'replica lag (s)' }] },
  { id: 'cache', title: 'Cache hit ratio', unit: '%', lines: [{ key: 'hits', label: 'hit ratio (%)' }] },
  { id: 'cpu', title: 'CPU', unit: '%', lines: [{ key: 'cpu', label: 'CPU (% of a core)' }] },
  { id: 'memory', title: 'Resident memory', unit: 'MiB', lines: [{ key: 'rss', label: 'resident' }] },
];

export type Figures = Record<string, number | null>;

function rate(a: number | null, b: number | null, seconds: number): number | null {
  if (a === null || b === null || seconds <= 0) return null;
  return b >= a ? (b - a) / seconds : b / seconds;  // a restart resets counters
}

const status = (cls: string) => (l: Record<string, string>) => (l.status ?? '').startsWith(cls);

// histogram_quantile over the requests answered between the two scrapes, all routes.
function quantile(q: number, before: Scrape, after: Scrape): number | null {
  const buckets = new Map<number, number>();
  const add = (s: Scrape, sign: number) => {
    for (const b of s.all('http_request_duration_seconds_bucket')) {
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + sign * b.value);
    }
  };
  add(after, 1);
  add(before, -1);
  const sorted = [...buckets.entries()].sort((x, y) => x[0] - y[0]);
  const total = sorted.length ? sorted[sorted.length - 1][1] : 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound * 1000;  // beyond the last bucket: its bound
      const inBucket = count - lowerCount;
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return (lowerBound + (le - lowerBound) * fraction) * 1000;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return null;
}

export function figures(before: Scrape, after: Scrape): Figures {
  const seconds = (after.at - before.at) / 1000;
  const r = (name: string, where?: (l: Record<string, string>) => boolean) =>
    rate(before.sum(name, where), after.sum(name, where), seconds);
  const hits = rate(before.sum('cache_hits_total'), after.sum('cache_hits_total'), 1);
  const misses = rate(before.sum('cache_misses_total'), after.sum('cache_misses_total'), 1);
  const threads = after.sum('store_pool_threads');
  const busy = after.sum('store_pool_busy');
  const cpu = r('process_cpu_seconds_total');
  const rss = after.sum('process_resident_memory_bytes');
  return {
    rps: r('http_requests_total'),
    p50: quantile(0.5, before, after),
    p99: quantile(0.99, before, after),
    e4xx: r('http_requests_total', status('4')),
    e5xx: r('http_requests_total', status('5')),
    open: after.sum('http_connections_open'),
    inflight: after.sum('http_requests_in_flight'),
    admission: r('admission_rejected_total'),
    limited: r('rate_limited_total'),
    depth: after.sum('queue_depth', (l) => l.state === 'ready' || l.state === 'leased'),
    oldest: after.max('queue_oldest_age_seconds'),
    pool: threads && busy !== null ? (100 * busy) / threads : null,
    lag: after.max('store_replica_lag_seconds'),
    hits: hits !== null && misses !== null && hits + misses > 0 ? (100 * hits) / (hits + misses) : null,
    cpu: cpu === null ? null : cpu * 100,
    rss: rss === null ? null : rss / (1 << 20),
  };
}

export interface AlarmNow { alarm: string; state: string; threshold: number | null; since: number | null }

// The live alarms of one process: alarm_state{alarm,state} is 1 for the state it is in.
export function alarms(s: Scrape): AlarmNow[] {
  const out: AlarmNow[] = [];
  for (const a of s.all('alarm_state')) {
    if (a.value !== 1) continue;
    const name = a.labels.alarm;
    const threshold = s.all('alarm_threshold').find((x) => x.labels.alarm === name)?.value ?? null;
    const since = s.all('alarm_state_since_seconds').find((x) => x.labels.alarm === name)?.value ?? null;
    out.push({ alarm: name, state: a.labels.state, threshold, since });
  }
  return out.sort((a, b) => a.alarm.localeCompare(b.alarm));
}
