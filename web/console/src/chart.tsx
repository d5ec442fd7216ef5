// One uPlot chart: a line per (process, figure), redrawn with setData on every sample
// (uPlot draws tens of thousands of points on a canvas in a few milliseconds), rebuilt
// only when the processes change.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Chart as ChartSpec } from './figures';
import type { Sampler } from './sampler';

const COLOURS = ['#3b5bdb', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0c8599', '#a61e4d', '#5c940d'];

function format(v: number | null | undefined, unit: string) {
  if (v === null || v === undefined) return '–';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit && unit !== '' ? ` ${unit}` : ''}`;
}

export function Chart({ spec, sampler, version }: { spec: ChartSpec; sampler: Sampler; version: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef('');
  const targets = sampler.targets.map((t) => t.name);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const key = targets.join('\n');
    const data: uPlot.AlignedData = [sampler.times,
      ...targets.flatMap((t) => spec.lines.map((l) => sampler.values(t, l.key)))];
    if (plot.current && shape.current === key) {
      plot.current.setData(data);
      return;
    }
    plot.current?.destroy();
    shape.current = key;
    let colour = 0;
    const series: uPlot.Series[] = [{}, ...targets.flatMap((t) => spec.lines.map((l) => ({
      label: targets.length > 1 ? `${t} ${l.label}` : l.label,
      stroke: COLOURS[colour++ % COLOURS.length],
      width: 1.5,
      spanGaps: false,
      value: (_: uPlot, v: number | null) => format(v, ''),
    })))];
    plot.current = new uPlot({
      width: Math.max(280, el.clientWidth),
      height: 180,
      series,
      axes: [{}, { size: 50 }],
      scales: { x: { time: true } },
      legend: { show: false },  // the list below the chart says the same, as text
    }, data, el);
  }, [version, targets.join('\n')]);

  useEffect(() => {
    const resize = () => { if (plot.current && box.current) plot.current.setSize({ width: Math.max(280, box.current.clientWidth), height: 180 }); };
    addEventListener('resize', resize);
    return () => { removeEventListener('resize', resize); plot.current?.destroy(); plot.current = null; };
  }, []);

  // The latest value of each line, as text: what a screen reader (or a test) reads.
  let colour = 0;
  const latest = targets.flatMap((t) => spec.lines.map((l) => {
    const values = sampler.values(t, l.key);
    return { t, l, v: values[values.length - 1], colour: COLOURS[colour++ % COLOURS.length] };
  }));
  return (
    <figure class="chart card" aria-labelledby={`chart-${spec.id}`}>
      <figcaption id={`chart-${spec.id}`}>{spec.title}</figcaption>
      <div ref={box} class="plot" aria-hidden="true" />
      <dl class="latest" data-chart={spec.id}>
        {latest.map(({ t, l, v, colour: c }) => (
          <div data-figure={l.key} data-target={t} data-value={v ?? ''}>
            <dt><span class="swatch" style={{ background: c }} aria-hidden="true" />{targets.length > 1 ? `${t} ${l.label}` : l.label}</dt><dd>{format(v, spec.unit)}</dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}
