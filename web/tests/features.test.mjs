// What the app offers follows GET /v1/features: with purchases and Firebase's web config
// on, their sections appear; the features never carry a secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMindme, launch, watch, shot, signUp, loadedImage, WAIT } from './harness.mjs';

const SECRETS = ['console-secret-value', 'play-notification-secret'];
let server;
let browser;

before(async () => {
  server = await startMindme([
    'purchases.products=mindme.plus.monthly:plus:subscription,mindme.lifetime:lifetime:non-consumable',
    'auth.firebase.project_id=mindme-test', 'auth.firebase.web_api_key=public-web-key',
    'auth.firebase.web_auth_domain=mindme-test.firebaseapp.com',
    `console.token=${SECRETS[0]}`, `purchases.google.notification_token=${SECRETS[1]}`,
  ]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('/v1/features says what is on, with public facts only, and is in the OpenAPI document', async () => {
  const r = await fetch(`${server.url}/v1/features`);
  assert.equal(r.status, 200);
  const text = await r.text();
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} is not in /v1/features`);
  const features = JSON.parse(text);
  assert.equal(features.purchases.enabled, true);
  assert.equal(features.purchases.qr_handoff, true);
  assert.equal(features.purchases.app_store, false);  // no bundle id configured
  assert.deepEqual(features.purchases.products.map((p) => p.id), ['mindme.plus.monthly', 'mindme.lifetime']);
  assert.equal(features.sign_in.firebase, true);
  assert.equal(features.sign_in.firebase_web.api_key, 'public-web-key');
  assert.equal(features.assistant.text, false);
  const openapi = await (await fetch(`${server.url}/openapi.json`)).json();
  assert.ok(openapi.paths['/v1/features'].get, 'documented in /openapi.json');
});

test('purchases and Firebase sign-in appear when on; the QR hand-off shows its code', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watched = watch(page);
  await page.goto(server.url);
  await page.getByRole('tab', { name: 'Sign in with Firebase' }).waitFor({ timeout: WAIT });
  await signUp(page, server.url);
  await page.getByRole('link', { name: 'Purchases' }).click();
  assert.equal(await page.getByRole('link', { name: 'Assistant' }).count(), 0);
  await page.getByText('Nothing bought yet.').waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'plus (subscription)' }).click();
  const qr = page.getByRole('img', { name: 'QR code for buying mindme.plus.monthly on your phone' });
  assert.ok(await loadedImage(qr) > 0, 'the QR code is drawn');
  const link = await page.getByRole('link', { name: 'Open on this device' }).getAttribute('href');
  assert.match(link, /^mindme:\/\/purchase\/.+/);
  // The code the page shows is the one the server stored: it answers for it.
  const code = link.slice('mindme://purchase/'.length);
  const shown = await (await fetch(`${server.url}/v1/purchases/qr/${code}`)).json();
  assert.equal(shown.product_id ?? shown.product?.id, 'mindme.plus.monthly');
  await shot(page, 'app-purchases');
  assert.deepEqual(watched.problems, []);
  await context.close();
});
