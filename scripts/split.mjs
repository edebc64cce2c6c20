// trunk post_build hook: splits the console's wasm at its lazy routes (`#[lazy_route]` in
// src/app.rs), so the first load fetches the shell and the WebHook list only, and each other page
// fetches its code the first time it opens.
//
// trunk 0.21 has no code splitting of its own: it runs cargo and wasm-bindgen in one go (its
// wasm-opt is off in index.html). This hook redoes wasm-bindgen on the split module and optimises,
// the way cargo-leptos does it:
//   1. wasm-split-cli (crate wasm_split_cli_support) cuts cargo's wasm (linked with
//      --emit-relocs, see .cargo/config.toml) into a main module, one module per lazy route, the
//      chunks they share, and `__wasm_split.js`, which fetches and links them on demand;
//   2. wasm-bindgen (--keep-lld-exports: the chunks import the main module's exports) and
//      wasm-opt on the main module replace trunk's output under trunk's own file names;
//   3. the chunks and the loader get the build's hash in their names, like trunk's files, so the
//      server may cache them forever and an open tab never mixes two builds;
//   4. the integrity hashes trunk wrote into index.html are updated for the replaced files.
//
// Usage: run by trunk (TRUNK_STAGING_DIR); tools: wasm-split-cli, wasm-bindgen, wasm-opt on PATH.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('split.mjs runs as a trunk post_build hook (TRUNK_STAGING_DIR is unset)');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// index.html builds with data-cargo-profile="wasm-release".
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
const input = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', 'webhook-console.wasm');

const js = readdirSync(staging).find((f) => /^webhook-console-[0-9a-f]{16}\.js$/.test(f));
if (!js) throw new Error(`split.mjs: no webhook-console-<hash>.js in ${staging}`);
const name = js.slice(0, -'.js'.length);
const hash = name.slice(-16);

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const tmp = mkdtempSync(join(tmpdir(), 'webhook-console-split-'));
try {
  run('wasm-split-cli', [input, tmp, '--out-name', name]);
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', join(tmp, 'bg'), '--out-name', name, join(tmp, `${name}.wasm`)]);

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
  let glue = readFileSync(join(tmp, 'bg', js), 'utf8');
  // Only the import specifiers: the import object's keys must stay the wasm's module name.
  const specifier = 'from "./__wasm_split.js"';
  if (!glue.includes(specifier)) throw new Error(`split.mjs: ${js} does not import __wasm_split.js`);
  glue = glue.replaceAll(specifier, `from "./${hashed('__wasm_split.js')}"`);
  writeFileSync(join(staging, js), glue);

  const opt = (from, to) => run('wasm-opt', ['-Os', from, '-o', to]);
  opt(join(tmp, 'bg', `${name}_bg.wasm`), join(staging, `${name}_bg.wasm`));
  for (const chunk of chunks) opt(join(tmp, chunk), join(staging, hashed(chunk)));

  // trunk's <link rel=modulepreload|preload integrity=...> name the files it wrote.
  const indexPath = join(staging, 'index.html');
  let index = readFileSync(indexPath, 'utf8');
  const publicUrl = process.env.TRUNK_PUBLIC_URL ?? '/';
  for (const file of [js, `${name}_bg.wasm`]) {
    const sri = `sha384-${createHash('sha384').update(readFileSync(join(staging, file))).digest('base64')}`;
    index = index.replace(/<link\b[^>]*>/g, (tag) =>
      tag.includes(`href="${publicUrl}${file}"`) ? tag.replace(/integrity="[^"]*"/, `integrity="${sri}"`) : tag,
    );
  }
  writeFileSync(indexPath, index);
  console.log(`split.mjs: ${name}_bg.wasm + ${chunks.length} lazily loaded modules`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function replaceOnce(text, from, to, where) {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`split.mjs: expected ${from} once in ${where}, found it ${n} times`);
  return text.replace(from, to);
}
