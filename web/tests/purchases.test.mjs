// The QR hand-off in the browser: the web app shows a code; a phone (the test, with App
// Store data signed by a CA minted for it) buys what the code asks for and redeems it;
// the page hears entitlement.changed and shows the purchase, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMindme, startApplePhone, launch, shot, signedIn, WAIT } from './harness.mjs';

let phone;
let server;
let browser;

before(async () => {
  phone = await startApplePhone();
  server = await startMindme([
    'purchases.products=mindme.plus.monthly:plus:subscription,mindme.lifetime:lifetime:non-consumable',
    `purchases.apple.root_certs=${phone.rootPath}`, 'purchases.apple.bundle_id=app.mindme.ios',
    'purchases.apple.environment=Sandbox',
  ]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await phone?.stop();
});

test('a purchase made on the phone for the code arrives in the web app live', async () => {
  const { context, page, watched } = await signedIn(browser, server.url);
  await page.getByRole('link', { name: 'Purchases' }).click();
  await page.getByText('Nothing bought yet.').waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'lifetime (non-consumable)' }).click();
  const link = await page.getByRole('link', { name: 'Open on this device' });
  await link.waitFor({ timeout: WAIT });
  const code = (await link.getAttribute('href')).split('/').pop();

  // The phone, signed in to nothing: what the code asks for, the purchase, the redeem.
  const asked = await (await fetch(`${server.url}/v1/purchases/qr/${code}`)).json();
  assert.equal(asked.product_id, 'mindme.lifetime');
  const signed = await phone.sign(asked.product_id, '2000000001', asked.app_account_token);
  const redeemed = await fetch(`${server.url}/v1/purchases/qr/${code}/redeem`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ platform: 'ios', signed_transaction: signed }),
  });
  assert.equal(redeemed.status, 201, await redeemed.text());

  await page.getByRole('status').filter({ hasText: 'Your purchase has arrived.' }).waitFor({ timeout: WAIT });
  await page.getByText(/lifetime \(mindme\.lifetime, ios/).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('link', { name: 'Open on this device' }).count(), 0, 'the used code is gone');
  await shot(page, 'app-purchased');
  assert.deepEqual(watched.problems, []);
  await context.close();
});
