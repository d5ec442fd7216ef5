// The assistant in the browser, against the Bedrock stand-in of the e2e tests (Bedrock
// cannot run here): a question about the user's memories answered from them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMindme, startBedrock, launch, shot, signedIn, addMemory, WAIT } from './harness.mjs';

let bedrock;
let server;
let browser;

before(async () => {
  bedrock = await startBedrock();
  server = await startMindme(['assistant.enabled=true', `assistant.endpoint=${bedrock.url}`], bedrock.env);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await bedrock?.stop();
});

test('a question to the assistant is answered from the memories', async () => {
  const { context, page, watched } = await signedIn(browser, server.url);
  await addMemory(page, 'Dentist on Friday');

  await page.getByRole('link', { name: 'Assistant' }).click();
  await page.getByLabel('Ask about your memories').fill('What is coming up?');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await answer.waitFor({ timeout: WAIT });
  // The stand-in answers with the titles of the memories the question carried.
  assert.match(await answer.textContent(), /You asked: What is coming up\?.*Dentist on Friday/);
  await shot(page, 'app-assistant');
  assert.deepEqual(watched.problems, []);
  await context.close();
});
