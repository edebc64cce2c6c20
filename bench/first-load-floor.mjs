#!/usr/bin/env node
// How far the console's first load can shrink while it stays a Leptos app (issue 12, "first
// load"): builds bench/first-load-floor/, the smallest console that shows the WebHook list
// (Leptos, its router, one gloo-net fetch decoded by serde_json, the rows in a table; nothing
// else), as scripts/build-console.mjs builds the console (the `wasm-release` profile, the
// workspace's rustflags, wasm-bindgen, `wasm-opt -Os` by scripts/wasm-opt-worker.mjs), and
// reports its wasm and JS glue as brotli (quality 11, as scripts/precompress.mjs writes them)
// next to the console's first-load files in dist/.
//
// Usage: node bench/first-load-floor.mjs [DIST_DIR]   (default dist/, from `make console`)
// Tools: cargo, wasm-bindgen, npm's binaryen (all installed by `make test`). A report, not a
// test: exits 0 whatever the figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { brotliCompressSync, constants } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crate = join(root, 'bench', 'first-load-floor');
const dist = resolve(process.argv[2] ?? join(root, 'dist'));
const targetDir = join(root, 'target', 'first-load-floor');
const br = (data) => brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }).length;
const fmt = (n) => n.toLocaleString('en-US');

// The workspace's rustflags for wasm32 (.cargo/config.toml) but --emit-relocs, which only the
// console's split needs (its relocation sections would stay in an unsplit module).
const env = { ...process.env, RUSTFLAGS: '--cfg erase_components' };
execFileSync('cargo', ['build', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown', '--target-dir', targetDir], { cwd: crate, env, stdio: ['ignore', 'inherit', 'inherit'] });
const tmp = mkdtempSync(join(tmpdir(), 'first-load-floor-'));
try {
  const built = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', 'first-load-floor.wasm');
  execFileSync('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', tmp, '--out-name', 'floor', built], { stdio: ['ignore', 'inherit', 'inherit'] });
  await optimise(join(tmp, 'floor_bg.wasm'), join(tmp, 'floor_opt.wasm'));
  const floor = { wasm: readFileSync(join(tmp, 'floor_opt.wasm')), js: readFileSync(join(tmp, 'floor.js')) };

  console.log('first-load floor: the smallest Leptos console showing the list, brotli q11 (bytes)');
  console.log(`${''.padEnd(10)} ${'floor'.padStart(10)} ${'console'.padStart(10)}`);
  const index = join(dist, 'index.html');
  const html = existsSync(index) ? readFileSync(index, 'utf8') : '';
  const main = html.match(/href="\/(webhook-console-[0-9a-f]+)\.js"/)?.[1];
  const consoleFiles = main ? { wasm: readFileSync(join(dist, `${main}_bg.wasm`)), js: readFileSync(join(dist, `${main}.js`)) } : undefined;
  for (const k of ['wasm', 'js']) console.log(`${k.padEnd(10)} ${fmt(br(floor[k])).padStart(10)} ${consoleFiles ? fmt(br(consoleFiles[k])).padStart(10) : '(no dist)'.padStart(10)}`);
  if (consoleFiles) {
    // The console's other first-load files (stylesheet, index.html, the split loader, icon) as
    // the floor would need them too.
    const others = readdirSync(dist).filter((f) => /^(main-[0-9a-f]+\.css|index\.html|favicon\.svg|__wasm_split-[0-9a-f]+\.js)$/.test(f));
    const rest = others.reduce((s, f) => s + br(readFileSync(join(dist, f))), 0);
    const total = (files) => br(files.wasm) + br(files.js) + rest;
    console.log(`${'+ others'.padEnd(10)} ${fmt(rest).padStart(10)} ${fmt(rest).padStart(10)}   (${others.join(', ')})`);
    console.log(`${'total'.padEnd(10)} ${fmt(total(floor)).padStart(10)} ${fmt(total(consoleFiles)).padStart(10)}   goal 150,000`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** `wasm-opt -Os` by the console build's own worker (scripts/wasm-opt-worker.mjs). */
function optimise(from, to) {
  return new Promise((done, fail) => {
    const w = new Worker(join(root, 'scripts', 'wasm-opt-worker.mjs'), { stderr: true });
    w.on('message', (m) => {
      if (m.ready) w.postMessage({ from, to });
      else if (m.error) w.terminate().then(() => fail(new Error(m.error)));
      else w.terminate().then(() => done());
    });
    w.on('error', fail);
  });
}
