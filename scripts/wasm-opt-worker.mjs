// A worker thread of scripts/build-console.mjs: `wasm-opt -Os` through binaryen's JS API, for
// module after module in one thread. npm's `wasm-opt` command is the same binaryen compiled to
// wasm, which takes 1.5–2 s to start each time; here it starts once per worker.
//
// Messages: in `{ from, to }` (paths), out `{ done: to }` or `{ error }`; the first `{ ready }`.
import binaryen from 'binaryen';
import { readFileSync, writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

// -Os: optimise level 2, shrink level 1, no names or other debug information kept (no -g); and,
// as the command does when it optimises, Stack IR generated and optimised as the binary is
// written (off by default in the JS API: 3 KB more of the main module without).
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(1);
binaryen.setDebugInfo(false);
binaryen.setGenerateStackIR(true);
binaryen.setOptimizeStackIR(true);

parentPort.on('message', ({ from, to }) => {
  try {
    const module = binaryen.readBinary(readFileSync(from));
    try {
      if (!module.validate()) throw new Error(`${from} is not valid`);
      module.optimize();
      writeFileSync(to, module.emitBinary());
    } finally {
      module.dispose();
    }
    parentPort.postMessage({ done: to });
  } catch (e) {
    parentPort.postMessage({ error: `wasm-opt ${from}: ${e?.stack ?? e}` });
  }
});
parentPort.postMessage({ ready: true });

