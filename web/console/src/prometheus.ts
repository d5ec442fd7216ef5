// Prometheus text exposition (0.0.4), as /metrics writes it: one sample a line,
// `name{label="value",...} number`, comments skipped.

export interface Sample { name: string; labels: Record<string, string>; value: number }

function unescape(v: string) {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    let name: string;
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space) {
      name = line.slice(0, brace);
      const body = line.slice(brace + 1, line.lastIndexOf('}'));
      for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = unescape(m[2]);
    } else {
      name = line.slice(0, space);
    }
    const raw = line.slice(space + 1).trim();
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (!Number.isNaN(value) || raw === 'NaN') out.push({ name, labels, value });
  }
  return out;
}

export class Scrape {
  constructor(readonly at: number, readonly samples: Sample[]) {}

  // The sum of every sample of `name` whose labels match `where`.
  sum(name: string, where: (l: Record<string, string>) => boolean = () => true): number | null {
    let total = 0;
    let seen = false;
    for (const s of this.samples)
      if (s.name === name && where(s.labels)) { total += s.value; seen = true; }
    return seen ? total : null;
  }

  max(name: string): number | null {
    let best: number | null = null;
    for (const s of this.samples) if (s.name === name && (best === null || s.value > best)) best = s.value;
    return best;
  }

  all(name: string): Sample[] { return this.samples.filter((s) => s.name === name); }
}
