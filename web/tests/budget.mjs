// The first-load budget (docs/web.md): the JavaScript and CSS that the app's index.html
// loads, compressed as it is served, stays within 150 KB; every such asset is
// fingerprinted (cached for a year) and has its .br and .gz beside it.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const BUDGET = 150 * 1000;
let failed = false;
for (const page of ['index.html', 'console/index.html']) {
  const html = readFileSync(join(out, page), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  if (assets.length === 0) { console.error(`${page}: loads no script or style?`); failed = true; }
  let br = 0;
  let gz = 0;
  for (const asset of assets) {
    const path = join(out, asset);
    if (!/-[0-9a-f]{8,}\.(js|css)$/.test(asset)) { console.error(`${asset}: not fingerprinted`); failed = true; }
    br += statSync(`${path}.br`).size;
    gz += statSync(`${path}.gz`).size;
  }
  console.log(`${page}: ${assets.length} assets, ${(br / 1000).toFixed(1)} KB brotli, ${(gz / 1000).toFixed(1)} KB gzip`);
  // The app is held to the budget; the console (an operator's tool) is reported.
  if (page === 'index.html' && gz > BUDGET) {
    console.error(`the app's first load is ${gz} bytes gzipped, over the ${BUDGET} budget`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
