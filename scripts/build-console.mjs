// Builds the console into dist/ (`make console`): the wasm split at its lazy routes, optimised,
// with content-hashed names, and brotli and gzip copies of every file.
//
//   1. cargo builds the console for wasm32 with the size profile (`wasm-release`, Cargo.toml),
//      linked with --emit-relocs (.cargo/config.toml) so that it can be split;
//   2. wasm-split-cli (crate wasm_split_cli_support, the splitter cargo-leptos uses) cuts it at the
//      `#[lazy_route]`s of src/app.rs into a main module, one module per lazy route, the chunks they
//      share, and `__wasm_split.js`, which fetches and links them on demand: the first load fetches
//      the shell and the WebHook list only, each other page its code the first time it opens;
//   3. wasm-bindgen (--keep-lld-exports: the chunks import the main module's exports) writes the JS
//      glue of the main module, and `wasm-opt -Os` optimises every module (binaryen's JS API in
//      one worker thread per core, scripts/wasm-opt-worker.mjs: the same output as npm's
//      `wasm-opt` command, byte for byte, without starting binaryen once per module);
//   4. every file gets a hash of its build in its name (`name-<16 hex>.ext`), so webhook-server
//      may let browsers cache it forever and an open tab never mixes two builds; index.html, the
//      only unhashed file with the icon, preloads the main module with integrity hashes;
//   5. scripts/precompress.mjs writes `.br` and `.gz` copies, which webhook-server sends as they are.
//
// The build goes to a staging directory that replaces dist/ only when it is complete, so a
// failed build leaves the previous one in place. (Until 2026-12-03 trunk did steps 1, 4 and 5 with
// this script as its hook; trunk's install was the largest part of a cold `make test`.)
//
// Usage: node scripts/build-console.mjs   tools: cargo, wasm-split-cli, wasm-bindgen on PATH; npm's binaryen.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
const input = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', 'webhook-console.wasm');
const optimiser = join(root, 'scripts', 'wasm-opt-worker.mjs');

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const digest = (alg, data) => createHash(alg).update(data).digest();
const shortHash = (data) => digest('sha256', data).toString('hex').slice(0, 16);
const sri = (data) => `sha384-${digest('sha384', data).toString('base64')}`;

run('cargo', ['build', '-p', 'webhook-console', '--bin', 'webhook-console', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown']);

const staging = mkdtempSync(join(root, '.dist-'));
const tmp = mkdtempSync(join(tmpdir(), 'webhook-console-build-'));
try {
  // The build's hash: of cargo's wasm, of this script, which writes the loader, and of the
  // optimiser's settings.
  const hash = shortHash(Buffer.concat([input, fileURLToPath(import.meta.url), optimiser].map((f) => readFileSync(f))));
  const name = `webhook-console-${hash}`;
  run('wasm-split-cli', [input, tmp, '--out-name', name]);
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', join(tmp, 'bg'), '--out-name', name, join(tmp, `${name}.wasm`)]);
  if (existsSync(join(tmp, 'bg', 'snippets'))) cpSync(join(tmp, 'bg', 'snippets'), join(staging, 'snippets'), { recursive: true });

  // Chunk and loader names with the build's hash; the loader refers to the chunks, the main JS
  // to the loader, each by name.
  const hashed = (file) => file.replace(/(\.[a-z]+)$/, `-${hash}$1`);
  const chunks = readdirSync(tmp).filter((f) => f.endsWith('.wasm') && f !== `${name}.wasm`);
  let loader = readFileSync(join(tmp, '__wasm_split.js'), 'utf8');
  // A page's module that cannot be fetched (the server restarted with a newer build, so an open
  // tab asks for names that are gone; or the network dropped) would end in a panic inside the
  // wasm. Reload instead: the console comes back from the current build, on the page it showed
  // (the router changes the address only once the new page is ready). Not twice in a row, so a
  // module that is really missing cannot make a reload loop.
  const key = 'webhook-console.reloaded';
  loader = replaceOnce(loader, 'await callee();\n            success = true;', `await callee();
            success = true;
            sessionStorage.removeItem('${key}');`, '__wasm_split.js');
  loader = replaceOnce(
    loader,
    'console.error(e);\n            success = false;',
    `console.error(e);
            if (sessionStorage.getItem('${key}') === null) {
                sessionStorage.setItem('${key}', '1');
                location.reload();
                await new Promise(() => {}); // the page is going away: no callback into the wasm
            }
            success = false;`,
    '__wasm_split.js',
  );
  for (const chunk of chunks) loader = replaceOnce(loader, `"./${chunk}"`, `"./${hashed(chunk)}"`, '__wasm_split.js');
  writeFileSync(join(staging, hashed('__wasm_split.js')), loader);
  const js = `${name}.js`;
  let glue = readFileSync(join(tmp, 'bg', js), 'utf8');
  // Only the import specifiers: the import object's keys must stay the wasm's module name.
  const specifier = 'from "./__wasm_split.js"';
  if (!glue.includes(specifier)) throw new Error(`build-console: ${js} does not import __wasm_split.js`);
  glue = glue.replaceAll(specifier, `from "./${hashed('__wasm_split.js')}"`);
  writeFileSync(join(staging, js), glue);

  // `wasm-opt -Os` on every module, in one worker thread per core (scripts/wasm-opt-worker.mjs).
  const wasm = `${name}_bg.wasm`;
  const jobs = [[join(tmp, 'bg', wasm), join(staging, wasm)], ...chunks.map((c) => [join(tmp, c), join(staging, hashed(c))])];
  await optimise(jobs, availableParallelism());

  const css = readFileSync(join(root, 'style', 'main.css'));
  const cssName = `main-${shortHash(css)}.css`;
  writeFileSync(join(staging, cssName), css);
  cpSync(join(root, 'public'), staging, { recursive: true });

  // index.html names the unhashed stylesheet; the build names the hashed files and adds the
  // preloads and the module script that starts the console.
  let index = readFileSync(join(root, 'index.html'), 'utf8');
  const file = (f) => readFileSync(join(staging, f));
  index = replaceOnce(
    index,
    '<link rel="stylesheet" href="/style/main.css" />',
    `<link rel="stylesheet" href="/${cssName}" integrity="${sri(css)}" />`,
    'index.html',
  );
  index = replaceOnce(
    index,
    '</head>',
    `  <link rel="modulepreload" href="/${js}" crossorigin="anonymous" integrity="${sri(file(js))}" />
    <link rel="preload" href="/${wasm}" crossorigin="anonymous" integrity="${sri(file(wasm))}" as="fetch" type="application/wasm" />
    <script type="module">import init from '/${js}'; init({ module_or_path: '/${wasm}' });</script>
  </head>`,
    'index.html',
  );
  writeFileSync(join(staging, 'index.html'), index);
  run('node', [join(root, 'scripts', 'precompress.mjs'), staging]);

  const old = `${staging}.old`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
  console.log(`build-console: dist/ with ${wasm} + ${chunks.length} lazily loaded modules`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
}

// Runs `jobs` ([from, to] paths) through `threads` workers, each taking the next job when done.
function optimise(jobs, threads) {
  const queue = [...jobs];
  const worker = () =>
    new Promise((done, fail) => {
      const w = new Worker(optimiser, { stderr: true });
      // binaryen says once per module that it skips a subsection of the name section it does
      // not know (id 3, labels), which the output does not keep anyway; the rest passes through.
      let partial = '';
      w.stderr.on('data', (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        const shown = lines.filter((l) => l && !/^warning: unknown name subsection with id 3 /.test(l));
        if (shown.length) process.stderr.write(`${shown.join('\n')}\n`);
      });
      const next = () => {
        const job = queue.shift();
        if (job) w.postMessage({ from: job[0], to: job[1] });
        else w.terminate().then(() => done());
      };
      w.on('message', (m) => (m.error ? (queue.length = 0, w.terminate(), fail(new Error(m.error))) : next()));
      w.on('error', fail);
    });
  return Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, worker));
}

function replaceOnce(text, from, to, where) {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`build-console: expected ${from} once in ${where}, found it ${n} times`);
  return text.replace(from, to);
}
