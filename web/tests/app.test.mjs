// The web app in a real browser against a real mindme: what a person does with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startMindme, launch, watch, shot, newEmail, signUp, signedIn, live, addMemory, loadedImage, WAIT } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startMindme(['files.concurrency=1']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// A small PNG (a colour gradient) made here: the upload the thumbnail comes from.
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2;  // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([x % 256, y % 256, 128], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

test('sign up, write, edit, see it live elsewhere, search, upload, sign out', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watched = watch(page);
  await page.goto(server.url);
  await shot(page, 'app-sign-in');
  await signUp(page, server.url);
  await live(page);

  await addMemory(page, 'Lighthouse trip', 'The keeper told us about the storm of 1953.', 'travel, sea');
  const item = page.getByRole('listitem', { name: 'Lighthouse trip' });
  assert.equal(await item.getByRole('button', { name: '#travel' }).count(), 1);

  // The same account in a second tab: it sees changes made in the first one live.
  const second = await context.newPage();
  const watchedSecond = watch(second);
  await second.goto(server.url);
  await live(second);
  await second.getByRole('listitem', { name: 'Lighthouse trip' }).waitFor({ timeout: WAIT });

  await item.getByRole('button', { name: 'Edit Lighthouse trip' }).click();
  const editor = page.getByRole('form', { name: 'Save' });
  await editor.getByLabel('Title').fill('Lighthouse weekend');
  await editor.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('listitem', { name: 'Lighthouse weekend' }).waitFor({ timeout: WAIT });
  await second.getByRole('listitem', { name: 'Lighthouse weekend' }).waitFor({ timeout: WAIT });
  assert.equal(await second.getByRole('listitem', { name: 'Lighthouse trip' }).count(), 0);
  await addMemory(second, 'Grocery list', 'Apples, bread, cheese');
  await page.getByRole('listitem', { name: 'Grocery list' }).waitFor({ timeout: WAIT });
  await shot(page, 'app-memories');

  // Search: the indexer makes a change findable within about two seconds.
  await page.getByRole('link', { name: 'Search' }).click();
  const box = page.getByRole('searchbox');
  let found = 0;
  for (let tries = 0; tries < 40 && found === 0; tries++) {
    await box.fill('storm');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText(/found|Nothing found/).waitFor({ timeout: WAIT });
    found = await page.locator('.hit').count();
    if (found === 0) await page.waitForTimeout(250);  // a poll, bounded by the count
  }
  assert.ok(found > 0, 'search found the memory');
  assert.equal(await page.locator('.hit mark').first().textContent(), 'storm');
  assert.match(await page.locator('.hit .snippet').first().textContent(), /the storm of 1953/);
  await shot(page, 'app-search');

  // An image: progress while it goes up, then its thumbnail once processed.
  await page.getByRole('link', { name: 'Files' }).click();
  await page.getByLabel(/Upload files/).setInputFiles({ name: 'gradient.png', mimeType: 'image/png', buffer: png(640, 480) });
  const file = page.getByRole('listitem', { name: 'gradient.png' });
  await file.getByText('ready').waitFor({ timeout: 30_000 });
  const width = await loadedImage(file.getByRole('img', { name: 'Thumbnail of gradient.png' }));
  assert.equal(width, 256, 'the thumbnail is 256 px on its longest side');
  await shot(page, 'app-files');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('tab', { name: 'Sign in' }).waitFor({ timeout: WAIT });
  // The other tab's token was the same one: it is signed out too, at its next request.
  await second.reload();
  await second.getByRole('tab', { name: 'Sign in' }).waitFor({ timeout: WAIT });

  assert.deepEqual(watched.problems, []);
  assert.deepEqual(watchedSecond.problems.filter((p) => !p.includes('/v1/events')), []);
  await context.close();
});

test('an edit made meanwhile elsewhere is shown as a conflict, not overwritten', async () => {
  const { context, page, watched } = await signedIn(browser, server.url);
  await addMemory(page, 'Shared plan', 'Version from the first tab');

  const item = page.getByRole('listitem', { name: 'Shared plan' });
  await item.getByRole('button', { name: 'Edit Shared plan' }).click();  // starts from version 1

  const other = await context.newPage();
  watch(other);
  await other.goto(server.url);
  const otherItem = other.getByRole('listitem', { name: 'Shared plan' });
  await otherItem.getByRole('button', { name: 'Edit Shared plan' }).click();
  const otherEditor = other.getByRole('form', { name: 'Save' });
  await otherEditor.getByLabel('Text').fill('Changed on the phone');
  await otherEditor.getByRole('button', { name: 'Save' }).click();
  await other.getByText('Changed on the phone').waitFor({ timeout: WAIT });

  const editor = page.getByRole('form', { name: 'Save' });
  await editor.getByLabel('Text').fill('Changed in the browser');
  await editor.getByRole('button', { name: 'Save' }).click();
  const conflict = page.getByRole('alert', { name: 'Conflict on Shared plan' });
  await conflict.waitFor({ timeout: WAIT });
  assert.match(await conflict.textContent(), /Changed in the browser/);
  assert.match(await conflict.textContent(), /Changed on the phone/);
  await shot(page, 'app-conflict');

  await conflict.getByRole('button', { name: 'Keep mine' }).click();
  await other.getByText('Changed in the browser').waitFor({ timeout: WAIT });
  assert.deepEqual(watched.problems, []);
  await context.close();
});

test('changes made offline are kept, sent on reconnect, and a clash surfaces', async () => {
  const { context, page, watched } = await signedIn(browser, server.url);
  await addMemory(page, 'Packing', 'Tent');

  watched.expectFailures = true;
  await context.setOffline(true);
  await addMemory(page, 'Written on the train', 'No signal here');
  await page.getByRole('status').filter({ hasText: '1 change waiting' }).waitFor({ timeout: WAIT });
  const item = page.getByRole('listitem', { name: 'Packing' });
  await item.getByRole('button', { name: 'Edit Packing' }).click();
  const editor = page.getByRole('form', { name: 'Save' });
  await editor.getByLabel('Text').fill('Tent, stove (offline)');
  await editor.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: '2 changes waiting' }).waitFor({ timeout: WAIT });
  await shot(page, 'app-offline');

  // Meanwhile another device changes the same memory.
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mindme.session')).token);
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const list = await (await fetch(`${server.url}/v1/memories`, { headers })).json();
  const packing = list.items.find((m) => m.title === 'Packing');
  const put = await fetch(`${server.url}/v1/memories/${packing.id}`, {
    method: 'PUT', headers: { ...headers, 'If-Match': `"${packing.version}"` },
    body: JSON.stringify({ title: 'Packing', body: 'Tent, sleeping bag (phone)', tags: [] }),
  });
  assert.equal(put.status, 200);

  await context.setOffline(false);
  await page.getByRole('alert', { name: 'Conflict on Packing' }).waitFor({ timeout: 30_000 });
  await page.getByRole('status').filter({ hasNotText: 'waiting' }).filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  watched.expectFailures = false;
  const after = await (await fetch(`${server.url}/v1/memories`, { headers })).json();
  assert.ok(after.items.some((m) => m.title === 'Written on the train'), 'the offline memory reached the server');
  assert.equal(after.items.filter((m) => m.title === 'Written on the train').length, 1);
  await page.getByRole('alert', { name: 'Conflict on Packing' }).getByRole('button', { name: 'Use the saved one' }).click();
  await page.getByText('Tent, sleeping bag (phone)').waitFor({ timeout: WAIT });
  assert.deepEqual(watched.problems, []);
  await context.close();
});

test('phone width, keyboard use, and labels for every control', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const watched = watch(page);
  await page.goto(server.url);
  // Keyboard only: tab to the account tab, into the fields, and submit with Enter.
  await page.getByRole('tab', { name: 'Create an account' }).focus();
  await page.keyboard.press('Enter');
  for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.getAttribute('type') === 'email')); i++)
    await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'email');
  await page.keyboard.type(newEmail());
  await page.keyboard.press('Tab');
  await page.keyboard.type('correct horse battery');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Memories' }).waitFor({ timeout: WAIT });
  await live(page);
  await addMemory(page, 'Small screen', 'Fits');
  // Nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a phone`);
  // Every control has a name a screen reader can say.
  for (const view of ['memories', 'search', 'files']) {
    await page.goto(`${server.url}/#/${view}`);
    await page.locator('main.view').waitFor();
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, textarea, a, select')]
      .filter((el) => {
        const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
          (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label');
        return !labelled && !(el.textContent ?? '').trim();
      }).map((el) => el.outerHTML));
    assert.deepEqual(unnamed, [], `unnamed controls on ${view}`);
  }
  // Features the server has off are not offered.
  assert.equal(await page.getByRole('link', { name: 'Assistant' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Purchases' }).count(), 0);
  await page.goto(`${server.url}/#/memories`);
  await page.getByRole('listitem', { name: 'Small screen' }).waitFor({ timeout: WAIT });
  await shot(page, 'app-phone');
  assert.deepEqual(watched.problems, []);
  await context.close();
});

test('the list loads more as it scrolls, and a delete disappears everywhere', async () => {
  const { context, page, watched } = await signedIn(browser, server.url);
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mindme.session')).token);
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  for (let i = 1; i <= 70; i++) {
    const r = await fetch(`${server.url}/v1/memories`, {
      method: 'POST', headers, body: JSON.stringify({ title: `Note ${i}`, body: '', tags: [] }) });
    assert.equal(r.status, 201);
  }
  await page.reload();
  const items = page.locator('ul.memories > li');
  await page.getByRole('listitem', { name: 'Note 70' }).waitFor({ timeout: WAIT });
  await page.waitForFunction(() => document.querySelectorAll('ul.memories > li').length >= 30, null, { timeout: WAIT });
  const first = await items.count();
  assert.ok(first < 70, `the list starts with a page, not all 70 (${first})`);
  // Scrolling to the end brings the next pages, until the oldest is there.
  for (let i = 0; i < 10 && (await items.count()) < 70; i++) {
    const before = await items.count();
    await page.locator('.end').scrollIntoViewIfNeeded();
    await page.waitForFunction((n) => document.querySelectorAll('ul.memories > li').length > n, before, { timeout: WAIT });
  }
  assert.equal(await items.count(), 70);
  await page.getByRole('listitem', { name: 'Note 1', exact: true }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);

  const other = await context.newPage();
  watch(other);
  await other.goto(server.url);
  await other.getByRole('listitem', { name: 'Note 70' }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'Delete Note 70' }).click();
  await page.getByRole('listitem', { name: 'Note 70' }).waitFor({ state: 'detached', timeout: WAIT });
  await other.getByRole('listitem', { name: 'Note 70' }).waitFor({ state: 'detached', timeout: WAIT });
  const gone = await fetch(`${server.url}/v1/memories?limit=200`, { headers });
  assert.ok(!(await gone.json()).items.some((m) => m.title === 'Note 70'));
  assert.deepEqual(watched.problems, []);
  await context.close();
});
