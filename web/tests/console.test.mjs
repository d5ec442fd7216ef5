// The operations console in a real browser: sign-in with console.token, live charts
// drawn from /metrics, processes up and down, an alarm that flips, and the reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMindme, launch, watch, shot, WAIT } from './harness.mjs';

const TOKEN = 'console-token-for-tests';
let dir;
let watched;   // the process whose console is opened
let other;     // a second process it watches
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mindme-console-'));
  writeFileSync(join(dir, 'users-10k.html'),
                '<!doctype html><html><head><title>MindMe load test: 10k users</title></head><body>report</body></html>');
  writeFileSync(join(dir, 'targets'), '');
  watched = await startMindme([
    `console.token=${TOKEN}`, `console.targets_file=${join(dir, 'targets')}`, `console.report_dirs=${dir}`,
    // An alarm that a handful of requests sets off: 1 request a minute, 1-second periods.
    'alarms.period_seconds=1', 'alarms.requests_per_minute=1',
  ]);
  other = await startMindme([]);
  // As `mindme fleet` writes it: one process a line, and one that does not answer.
  writeFileSync(join(dir, 'targets'), [
    `serve1 ${watched.url}/metrics`, `serve2 ${other.url}/metrics`, 'gone http://127.0.0.1:1/metrics', '',
  ].join('\n'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await watched?.stop();
  await other?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function traffic(url, count) {
  for (let i = 0; i < count; i++) await (await fetch(`${url}/v1/ping`)).text();
}

test('the console signs in with its token, draws live charts, and shows an alarm flip', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(`${watched.url}/console/`);
  // 401 from the first look (not signed in yet) is expected: only 5xx and network
  // failures count as problems.
  await page.getByLabel('Console token').fill('not the token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not the console token' }).waitFor({ timeout: WAIT });
  await page.getByLabel('Console token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Processes' }).waitFor({ timeout: WAIT });

  await page.locator('tr[data-target="serve1"][data-up="true"]').waitFor({ timeout: WAIT });
  await page.locator('tr[data-target="serve2"][data-up="true"]').waitFor({ timeout: WAIT });
  await page.locator('tr[data-target="gone"][data-up="false"]').waitFor({ timeout: WAIT });

  await traffic(watched.url, 100);
  await traffic(other.url, 20);
  // Requests per second of the watched process, from two samples of its /metrics.
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-chart="rps"] [data-figure="rps"][data-target="serve1"]');
    return v && Number(v.getAttribute('data-value')) > 0;
  }, null, { timeout: WAIT });
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-chart="latency"] [data-figure="p99"][data-target="serve1"]');
    return v && v.getAttribute('data-value') !== '';
  }, null, { timeout: WAIT });
  const canvases = await page.locator('figure.chart canvas').count();
  assert.ok(canvases >= 9, `every chart is drawn (${canvases} canvases)`);

  // The request-count alarm of serve1: past its threshold it goes to ALARM, and the
  // history says so. Requests keep coming meanwhile (a quiet second sets it back to OK).
  let pumping = true;
  const pump = (async () => {
    for (let i = 0; i < 400 && pumping; i++) {
      await traffic(watched.url, 1);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await page.locator('tr[data-alarm="requests_high"][data-target="serve1"][data-state="ALARM"]').waitFor({ timeout: WAIT });
    await page.locator('li[data-alarm="requests_high"][data-to="ALARM"]').first().waitFor({ timeout: WAIT });
  } finally {
    pumping = false;
    await pump;
  }
  await page.locator('tr[data-alarm="requests_high"][data-target="serve2"][data-state="OK"], ' +
                     'tr[data-alarm="requests_high"][data-target="serve2"][data-state="INSUFFICIENT_DATA"]')
    .first().waitFor({ timeout: WAIT });

  // The reports it found, readable with the session's cookie.
  const link = page.getByRole('link', { name: 'users-10k.html' });
  await link.waitFor({ timeout: WAIT });
  const report = await page.evaluate(async (href) => (await fetch(href)).text(), await link.getAttribute('href'));
  assert.match(report, /MindMe load test: 10k users/);
  await shot(page, 'console');

  // Signed out, the figures are refused again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Console token').waitFor({ timeout: WAIT });
  const status = await page.evaluate(async () => (await fetch('/console/api/targets')).status);
  assert.equal(status, 401);
  assert.deepEqual(problems.problems.filter((p) => !p.includes('/console/api/metrics?target=gone')), []);
  await context.close();
});

test('the console is off without console.token', async () => {
  for (const path of ['/console/', '/console/api/targets', '/console/api/metrics?target=self']) {
    const r = await fetch(`${other.url}${path}`);
    assert.equal(r.status, 404, path);
    assert.equal((await r.json()).error.code, 'not_found');
  }
});

test('the console API refuses without the token, and relays only its targets', async () => {
  assert.equal((await fetch(`${watched.url}/console/api/targets`)).status, 401);
  assert.equal((await fetch(`${watched.url}/console/reports/users-10k.html`)).status, 401);
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const targets = await (await fetch(`${watched.url}/console/api/targets`, { headers: auth })).json();
  assert.deepEqual(targets.targets.map((t) => t.name), ['serve1', 'serve2', 'gone']);
  const text = await (await fetch(`${watched.url}/console/api/metrics?target=serve2`, { headers: auth })).text();
  assert.match(text, /^# HELP /m);
  for (const name of ['missing.html', 'targets', '.users-10k.html']) {
    const r = await fetch(`${watched.url}/console/reports/${name}`, { headers: auth });
    assert.equal(r.status, 404, name);
  }
  const report = await fetch(`${watched.url}/console/reports/users-10k.html`, { headers: auth });
  assert.equal(report.status, 200);
  assert.ok(report.headers.get('etag'), 'a report has a validator');
  const unknown = await fetch(`${watched.url}/console/api/metrics?target=http://127.0.0.1:1/`, { headers: auth });
  assert.equal(unknown.status, 404);
  const down = await fetch(`${watched.url}/console/api/metrics?target=gone`, { headers: auth });
  assert.equal(down.status, 503);
  assert.match((await down.json()).error.message, /gone is down/);
  const bad = await fetch(`${watched.url}/console/api/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"token":"x"}' });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('set-cookie'), null);
});
