import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { charts } from './figures';
import { Chart } from './chart';
import { INTERVAL, Sampler } from './sampler';
import './style.css';

interface Report { name: string; kind: string; url: string; modified: number; size: number }

function SignIn({ onIn }: { onIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    const r = await fetch('/console/api/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }),
    }).catch(() => null);
    if (r?.ok) onIn();
    else setError(r ? 'That is not the console token.' : 'The server cannot be reached.');
  }
  return (
    <main class="center">
      <form class="card" onSubmit={submit} aria-labelledby="t">
        <h1 id="t">MindMe operations console</h1>
        <label>Console token (console.token)
          <input type="password" name="token" autocomplete="current-password" required value={token}
                 onInput={(e) => setToken(e.currentTarget.value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary">Sign in</button>
      </form>
    </main>
  );
}

const time = (s: number) => new Date(s * 1000).toLocaleTimeString();

function Dashboard({ onOut }: { onOut: () => void }) {
  const sampler = useMemo(() => new Sampler(onOut), []);
  const [version, setVersion] = useState(0);
  const [reports, setReports] = useState<Report[]>([]);

  useEffect(() => {
    const off = sampler.subscribe(() => setVersion((v) => v + 1));
    sampler.start();
    const loadReports = () => fetch('/console/api/reports').then((r) => (r.ok ? r.json() : { reports: [] }))
      .then((b) => setReports(b.reports), () => {});
    loadReports();
    const every = window.setInterval(loadReports, 60_000);
    return () => { off(); sampler.stop(); window.clearInterval(every); };
  }, [sampler]);

  async function signOut() {
    await fetch('/console/api/session', { method: 'DELETE' }).catch(() => {});
    onOut();
  }

  const alarmRows = sampler.targets.flatMap((t) => t.alarms.map((a) => ({ t: t.name, ...a })));
  return (
    <>
      <header class="top">
        <h1>MindMe console</h1>
        <span class="meta" role="status">
          {sampler.targets.length} process{sampler.targets.length === 1 ? '' : 'es'} · a sample every {INTERVAL / 1000} s
          {sampler.bytesLastSample > 0 && ` · ${(sampler.bytesLastSample / 1024).toFixed(1)} KiB a sample`}
        </span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      {sampler.throttled && <p class="banner" role="alert">{sampler.throttled}</p>}
      <main class="grid">
        <section class="card" aria-labelledby="procs">
          <h2 id="procs">Processes</h2>
          <table>
            <thead><tr><th>Process</th><th>State</th><th>Requests/s</th><th>CPU %</th><th>Resident MiB</th></tr></thead>
            <tbody>
              {sampler.targets.map((t) => {
                const last = (k: string) => { const v = sampler.values(t.name, k); return v[v.length - 1]; };
                const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));
                return (
                  <tr data-target={t.name} data-up={String(t.up)}>
                    <td>{t.name}</td>
                    <td class={t.up ? 'ok' : 'bad'}>{t.up === null ? '…' : t.up ? 'up' : `down${t.problem ? `: ${t.problem}` : ''}`}</td>
                    <td>{fmt(last('rps'))}</td><td>{fmt(last('cpu'))}</td><td>{fmt(last('rss'))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <section class="card" aria-labelledby="alarms">
          <h2 id="alarms">Alarms</h2>
          {alarmRows.length === 0 ? <p class="meta">No alarms are evaluated (alarms.enabled).</p> : (
            <table>
              <thead><tr><th>Alarm</th>{sampler.targets.length > 1 && <th>Process</th>}<th>State</th><th>Threshold</th><th>Since</th></tr></thead>
              <tbody>
                {alarmRows.map((a) => (
                  <tr data-alarm={a.alarm} data-state={a.state} data-target={a.t}>
                    <td>{a.alarm}</td>{sampler.targets.length > 1 && <td>{a.t}</td>}
                    <td class={a.state === 'ALARM' ? 'bad' : a.state === 'OK' ? 'ok' : 'meta'}>{a.state}</td>
                    <td>{a.threshold ?? '–'}</td><td>{a.since ? time(a.since) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>History</h3>
          <ol class="history" aria-label="Alarm history">
            {sampler.history.slice(0, 30).map((h) => (
              <li data-alarm={h.alarm} data-to={h.to}>{time(h.at)} {h.target}: {h.alarm} {h.from ? `${h.from} → ` : ''}<strong>{h.to}</strong></li>
            ))}
          </ol>
        </section>
        {charts.map((c) => <Chart spec={c} sampler={sampler} version={version} />)}
        <section class="card" aria-labelledby="reports">
          <h2 id="reports">Reports</h2>
          {reports.length === 0 ? <p class="meta">No load-test or plan reports found (console.report_dirs).</p> : (
            <ul>{reports.map((r) => (
              <li><a href={r.url} target="_blank" rel="noopener">{r.name}</a> <span class="meta">{r.kind}, {time(r.modified)} {new Date(r.modified * 1000).toLocaleDateString()}</span></li>
            ))}</ul>
          )}
        </section>
      </main>
    </>
  );
}

function Console() {
  const [state, setState] = useState<'checking' | 'in' | 'out'>('checking');
  useEffect(() => {
    fetch('/console/api/targets').then((r) => setState(r.ok ? 'in' : 'out'), () => setState('out'));
  }, []);
  if (state === 'checking') return <p class="center" role="status">Loading…</p>;
  if (state === 'out') return <SignIn onIn={() => setState('in')} />;
  return <Dashboard onOut={() => setState('out')} />;
}

render(<Console />, document.getElementById('root')!);
