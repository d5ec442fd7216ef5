// What the browser tests share: a real mindme on loopback serving the web build, a
// headless Debian Chromium driven by playwright-core, pages that fail the test on any
// uncaught error or failed request, and screenshots where CI keeps artifacts.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.MINDME_BIN ?? resolve(here, '../../build/mindme');
export const WEB = process.env.MINDME_WEB ?? resolve(here, '../../build/web');
export const SHOTS = process.env.MINDME_SCREENSHOTS ?? resolve(here, '../../build/screenshots');
const CHROMIUM = process.env.MINDME_CHROMIUM ?? '/usr/bin/chromium';
export const WAIT = 15_000;  // the longest any single condition is waited for

// Starts `mindme all` on a free loopback port with the web build as its static site.
export async function startMindme(sets = [], env = {}) {
  const data = mkdtempSync(join(tmpdir(), 'mindme-web-'));
  const args = ['all', '--listen', '127.0.0.1:0', '--data', data,
                '--set', `http.static_dir=${WEB}`, ...sets.flatMap((s) => ['--set', s])];
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  const log = [];
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`mindme did not start:\n${log.join('\n')}`)), WAIT);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`mindme exited ${code}:\n${log.join('\n')}`)); });
    lines.on('line', (line) => {
      log.push(line);
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') { clearTimeout(timer); resolvePort(entry.port); }
      } catch { /* not a log line */ }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    async stop() {
      if (child.exitCode === null) {
        const ended = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), WAIT);
        await ended;
        clearTimeout(timer);
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// A stand-in of the e2e tests (tests/e2e) in a Python process of its own: `args` after
// python3; it prints one line of fields when it listens and ends when its stdin closes.
async function startStandIn(args) {
  const child = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: E2E });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((_, fail) => child.once('exit', (c) => fail(new Error(`${args.join(' ')} exited ${c}`))));
  exited.catch(() => {});  // only a line that never comes is an error
  let timer;
  const timeout = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`${args.join(' ')} did not answer`)), WAIT); });
  const next = async () => {
    try {
      return (await Promise.race([lines.next(), exited, timeout])).value;
    } finally {
      clearTimeout(timer);
    }
  };
  const fields = (await next()).split(' ');
  return {
    fields,
    // Sends a line on its stdin; the line it answers with.
    async ask(line) {
      child.stdin.write(`${line}\n`);
      return (await Promise.race([lines.next(), exited])).value;
    },
    async stop() {
      const ended = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      await ended;
    },
  };
}
const E2E = resolve(here, '../../tests/e2e');

// Bedrock (tests/e2e/bedrock_stand_in.py: SigV4 checked on every call, scripted answers).
export async function startBedrock() {
  const code = 'import sys; import bedrock_stand_in as b; s = b.BedrockStandIn(); ' +
    'print(s.port, b.ACCESS_KEY, b.SECRET_KEY, flush=True); sys.stdin.read()';
  const standIn = await startStandIn(['-c', code]);
  const [port, key, secret] = standIn.fields;
  return { url: `http://127.0.0.1:${port}`, env: { AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret },
           stop: standIn.stop };
}

// The phone's App Store purchases (tests/e2e/apple_phone.py): `rootPath` is the minted
// root certificate to trust; sign(product, number, appAccountToken) a signed transaction.
export async function startApplePhone() {
  const standIn = await startStandIn(['apple_phone.py']);
  return { rootPath: standIn.fields[0], sign: (...fields) => standIn.ask(fields.join(' ')), stop: standIn.stop };
}

// Firebase Authentication's Identity Toolkit and its ID-token key server
// (tests/e2e/identity_toolkit_stand_in.py), with these email:password accounts.
export async function startFirebase(apiKey, accounts) {
  const standIn = await startStandIn(['identity_toolkit_stand_in.py', apiKey, ...accounts]);
  const [identityUrl, certsUrl, project] = standIn.fields;
  return { identityUrl, certsUrl, project, stop: standIn.stop };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox as root; no calls home (this machine has no network, and a test must
    // not depend on one).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-dev-shm-usage'],
  });
}

// A page whose uncaught errors, console errors and failed requests are collected;
// `expectFailures` tolerates failures (going offline on purpose) while it is true.
export function watch(page) {
  const problems = [];
  const state = { expectFailures: false, problems };
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // ERR_ABORTED: the page left (a reload, sign-out) while the request was in flight.
    if (!state.expectFailures && why !== 'net::ERR_ABORTED')
      problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500 && !state.expectFailures) problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  return state;
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// A fresh address per call: accounts never collide between tests.
let accounts = 0;
export function newEmail() {
  return `web${process.pid}.${Date.now()}.${++accounts}@example.com`;
}

// Signs a new account up through the sign-in card, and waits for the app.
export async function signUp(page, url) {
  await page.goto(url);
  await page.getByRole('tab', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(newEmail());
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create an account' }).last().click();
  await page.getByRole('link', { name: 'Memories' }).waitFor({ timeout: WAIT });
}

// Until the app's live socket is open.
export async function live(page) {
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT });
}

// A new browser context with a page signed up to a new account, its socket live.
export async function signedIn(browser, url, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const watched = watch(page);
  await signUp(page, url);
  await live(page);
  return { context, page, watched };
}

export async function addMemory(page, title, body = '', tags = '') {
  const form = page.getByRole('form', { name: 'Add memory' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Text').fill(body);
  await form.getByLabel('Tags').fill(tags);
  await form.getByRole('button', { name: 'Add memory' }).click();
  await page.getByRole('listitem', { name: title }).waitFor({ timeout: WAIT });
}

// Until the image `locator` shows has loaded and decoded; its natural width.
export async function loadedImage(locator) {
  await locator.waitFor({ timeout: WAIT });
  const handle = await locator.elementHandle();
  await handle.waitForElementState('visible', { timeout: WAIT });
  await locator.page().waitForFunction((img) => img.complete && img.naturalWidth > 0, handle, { timeout: WAIT });
  return handle.evaluate((img) => img.naturalWidth);
}
