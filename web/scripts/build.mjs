// Builds the web app (served at /) and the operations console (at /console/) into one
// folder that `http.static_dir` points at, then writes a .br and a .gz beside every text
// asset: mindme's static hosting sends those precompressed siblings as they are.
import { build } from 'vite';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(web, '..', 'build', 'web'));

// Hex content hashes: what mindme's static hosting recognises as fingerprinted (and so
// serves as immutable for a year); the default base64 ones may end in '-' or '_'.
const output = { hashCharacters: 'hex' };
const common = {
  configFile: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};
await build({
  ...common,
  root: join(web, 'app'),
  base: '/',
  build: { outDir: out, emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0, rolldownOptions: { output } },
});
await build({
  ...common,
  root: join(web, 'console'),
  base: '/console/',
  build: { outDir: join(out, 'console'), emptyOutDir: true, target: 'es2022', rolldownOptions: { output } },
});

const compressible = /\.(html|js|css|svg|json|webmanifest|txt|map)$/;
function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}
for (const path of files(out)) {
  if (!compressible.test(path)) continue;
  const bytes = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
}
console.log(`web build: ${out}`);
