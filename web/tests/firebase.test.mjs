// Firebase sign-in in the browser: the app signs in at Identity Toolkit with the public
// web API key from /v1/features, and trades the ID token for a MindMe session. Google's
// servers cannot be reached here: the stand-in speaks Identity Toolkit's REST API and signs
// real RS256 ID tokens with a key the test minted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMindme, startFirebase, launch, watch, WAIT } from './harness.mjs';

const API_KEY = 'web-api-key-for-tests';
let firebase;
let server;
let browser;

before(async () => {
  firebase = await startFirebase(API_KEY, ['ada@example.com:analytical-engine']);
  server = await startMindme([
    `auth.firebase.project_id=${firebase.project}`, `auth.firebase.certs_url=${firebase.certsUrl}`,
    `auth.firebase.web_api_key=${API_KEY}`, `auth.firebase.web_identity_url=${firebase.identityUrl}`,
  ]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await firebase?.stop();
});

async function firebaseSignIn(page, email, password) {
  await page.goto(server.url);
  await page.getByRole('tab', { name: 'Sign in with Firebase' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in with Firebase' }).last().click();
}

test('a Firebase account signs in, and the same account comes back the next time', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watched = watch(page);
  await firebaseSignIn(page, 'ada@example.com', 'analytical-engine');
  await page.getByRole('link', { name: 'Memories' }).waitFor({ timeout: WAIT });
  const first = await page.evaluate(() => JSON.parse(localStorage.getItem('mindme.session')).user);
  assert.equal(first.email, 'ada@example.com');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await firebaseSignIn(page, 'ada@example.com', 'analytical-engine');
  await page.getByRole('link', { name: 'Memories' }).waitFor({ timeout: WAIT });
  const second = await page.evaluate(() => JSON.parse(localStorage.getItem('mindme.session')).user);
  assert.equal(second.id, first.id, 'the account bound to the Firebase uid');
  assert.deepEqual(watched.problems, []);
  await context.close();
});

test('a wrong Firebase password is refused with Firebase\'s reason, and no session', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await firebaseSignIn(page, 'ada@example.com', 'difference-engine');
  await page.getByRole('alert').filter({ hasText: 'INVALID_PASSWORD' }).waitFor({ timeout: WAIT });
  assert.equal(await page.evaluate(() => localStorage.getItem('mindme.session')), null);
  await context.close();
});
