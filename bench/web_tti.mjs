// Loads the web app ROUNDS times from each server, interleaved, and reports the median
// time from navigation to an interactive sign-in form (the features answered, the email
// field ready for input), cold and warm.
//   node bench/web_tti.mjs ROUNDS name=URL name=URL
import { launch } from '../web/tests/harness.mjs';

const [rounds, ...servers] = process.argv.slice(2);
const targets = servers.map((s) => s.split(/=(.*)/s).slice(0, 2));
const browser = await launch();

async function interactive(page) {
  await page.getByLabel('Email').waitFor({ state: 'visible' });
  return page.evaluate(() => performance.now());
}

const results = Object.fromEntries(targets.map(([name]) => [name, { cold: [], warm: [] }]));
for (let round = 0; round < Number(rounds); round++) {
  for (const [name, url] of targets) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    results[name].cold.push(await interactive(page));
    await page.reload({ waitUntil: 'commit' });
    results[name].warm.push(await interactive(page));
    await context.close();
  }
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [first, second] = targets.map(([name]) => name);
for (const kind of ['cold', 'warm']) {
  const a = median(results[first][kind]);
  const b = median(results[second][kind]);
  console.log(`${kind}: ${first} ${a.toFixed(1)} ms, ${second} ${b.toFixed(1)} ms, ` +
              `${first}/${second} ${(a / b).toFixed(2)}x (median of ${rounds})`);
}
