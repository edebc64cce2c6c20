#!/usr/bin/env node
// First-load weight of the console: every file a browser fetches to show the first screen,
// raw and compressed (gzip level 9, brotli quality 11), against the 250 KiB brotli budget.
//
// Usage: node bench/first-load.mjs [DIST_DIR]   (default: dist/ at the workspace root)
//
// It is a report, not a test: it exits 0 whatever the figures, and 1 only when there is no
// built console to measure. Node built-ins only.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const KIB = 1024;
// The budget is 250 KiB (1 KiB = 1024 bytes) of brotli-compressed bytes, index.html included.
const BUDGET_BYTES = 250 * KIB;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(process.argv[2] ?? join(root, 'dist'));
const indexPath = join(dist, 'index.html');

if (!existsSync(indexPath)) {
  console.error(`first-load: ${indexPath} is missing: run make console first`);
  process.exit(1);
}

/** A reference found in a file, as a path inside dist, or null when it is not a local file. */
function localPath(ref, fromFile) {
  if (!ref) return null;
  ref = ref.trim();
  if (/^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i.test(ref)) return null; // http:, data:, //host, #frag
  ref = ref.split(/[?#]/)[0];
  if (!ref) return null;
  const abs = ref.startsWith('/') ? join(dist, ref) : join(dirname(fromFile), ref);
  const norm = normalize(abs);
  if (norm !== dist && !norm.startsWith(dist + sep)) return null;
  return norm;
}

const attr = (tag, name) => {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
};

/** Files index.html makes the browser load on first paint. */
function refsOfHtml(html) {
  const refs = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    if (rel.some((r) => ['stylesheet', 'modulepreload', 'preload', 'icon', 'shortcut', 'manifest'].includes(r))) {
      refs.push(attr(tag, 'href'));
    }
  }
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = attr(`<script ${m[1]}>`, 'src');
    if (src) refs.push(src);
    else refs.push(...refsOfJs(m[2])); // the inline module script: import init from '/x.js'; init({module_or_path: '/x_bg.wasm'})
  }
  for (const [tag] of html.matchAll(/<img\b[^>]*>/gi)) refs.push(attr(tag, 'src'));
  return refs;
}

/** `new URL('x.wasm', import.meta.url)` in JavaScript: a module fetched when code asks for it
 * (the split loader's page modules, each fetched the first time its page opens), not on load. */
const ON_DEMAND_WASM = /\bnew\s+URL\(\s*(['"`])([^'"`\s]+\.wasm)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Static imports, dynamic imports with a literal, and literal .wasm paths in JavaScript. */
function refsOfJs(js) {
  const refs = [];
  for (const m of js.matchAll(/\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g)) refs.push(m[2]);
  for (const m of js.matchAll(/\bimport\s*(['"])([^'"]+)\1/g)) refs.push(m[2]);
  for (const m of js.matchAll(/\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g)) refs.push(m[2]);
  for (const m of js.replace(ON_DEMAND_WASM, '').matchAll(/(['"`])([^'"`\s]+\.wasm)\1/g)) refs.push(m[2]);
  return refs;
}

/** url(...) and @import in CSS (fonts, images). */
function refsOfCss(css) {
  const refs = [];
  for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) refs.push(m[2]);
  for (const m of css.matchAll(/@import\s+(['"])([^'"]+)\1/g)) refs.push(m[2]);
  return refs;
}

// Walk from index.html through what each loaded file loads in turn.
const loaded = [indexPath];
/** Modules the loaded code fetches later, on demand: reported, not counted in the first load. */
const onDemand = [];
const seen = new Set(loaded);
const missing = [];
for (let i = 0; i < loaded.length && i < 1000; i++) {
  const file = loaded[i];
  let refs = [];
  if (file.endsWith('.html')) refs = refsOfHtml(readFileSync(file, 'utf8'));
  else if (/\.m?js$/.test(file)) {
    const js = readFileSync(file, 'utf8');
    refs = refsOfJs(js);
    for (const m of js.matchAll(ON_DEMAND_WASM)) {
      const p = localPath(m[2], file);
      if (p && existsSync(p) && !onDemand.includes(p)) onDemand.push(p);
    }
  }
  else if (file.endsWith('.css')) refs = refsOfCss(readFileSync(file, 'utf8'));
  for (const ref of refs) {
    const p = localPath(ref, file);
    if (!p || seen.has(p)) continue;
    seen.add(p);
    if (existsSync(p) && statSync(p).isFile()) loaded.push(p);
    // wasm-bindgen's glue names a default `<crate>_bg.wasm` that the loader script overrides with
    // `module_or_path`; it is never fetched once a .wasm is already being loaded.
    else if (p.endsWith('.wasm') && loaded.some((f) => f.endsWith('.wasm'))) continue;
    else missing.push(`${relative(dist, p)} (referenced by ${relative(dist, file)})`);
  }
}

function measure(file) {
  const data = readFileSync(file);
  return {
    file: relative(dist, file),
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [constants.BROTLI_PARAM_MODE]: /\.(?:html|css|m?js|svg|json)$/.test(file)
          ? constants.BROTLI_MODE_TEXT
          : constants.BROTLI_MODE_GENERIC,
      },
    }).length,
  };
}
const sum = (rows) =>
  rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const rows = loaded.map(measure);
const total = sum(rows);
const later = onDemand.filter((f) => !loaded.includes(f)).map(measure);

const fmt = (n) => `${n.toLocaleString('en-US')} (${(n / KIB).toFixed(1)} KiB)`;
const nameWidth = Math.max(5, ...[...rows, ...later].map((r) => r.file.length));
const colWidth = Math.max(...rows.map((r) => fmt(r.raw).length), fmt(total.raw).length);
const line = (a, b, c, d) => `${a.padEnd(nameWidth)}  ${b.padStart(colWidth)}  ${c.padStart(colWidth)}  ${d.padStart(colWidth)}`;

console.log(`First load of ${relative(process.cwd(), dist) || '.'}/index.html (bytes; 1 KiB = 1024 bytes)`);
console.log(line('file', 'raw', 'gzip -9', 'brotli q11'));
console.log('-'.repeat(nameWidth + 3 * colWidth + 6));
for (const r of rows) console.log(line(r.file, fmt(r.raw), fmt(r.gzip), fmt(r.brotli)));
console.log('-'.repeat(nameWidth + 3 * colWidth + 6));
console.log(line(`total (${rows.length} files)`, fmt(total.raw), fmt(total.gzip), fmt(total.brotli)));
if (missing.length) console.log(`referenced but not in dist: ${missing.join(', ')}`);
if (later.length) {
  const t = sum(later);
  console.log(`\nFetched on demand, the first time a page needs them (not part of the first load):`);
  for (const r of later) console.log(line(r.file, fmt(r.raw), fmt(r.gzip), fmt(r.brotli)));
  console.log('-'.repeat(nameWidth + 3 * colWidth + 6));
  console.log(line(`total (${later.length} files)`, fmt(t.raw), fmt(t.gzip), fmt(t.brotli)));
  console.log('');
}

const within = total.brotli <= BUDGET_BYTES;
const pct = ((100 * total.brotli) / BUDGET_BYTES).toFixed(1);
console.log(
  `budget: brotli total ${(total.brotli / KIB).toFixed(1)} KiB of 250 KiB (${BUDGET_BYTES.toLocaleString('en-US')} bytes), ` +
    `${pct}% used: ${within ? 'WITHIN' : 'OVER'} budget`,
);
process.exit(0);
