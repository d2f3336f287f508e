// Review of lua-runtime.ts: the interpreter must stay usable after it failed beyond repair. A
// failure is replaced by a fresh module (guarded()); when that replacement fails too (a
// JavaScript stack overflow deep in the caller's stack also stops the new module's
// initialisation), the next run must start from a fresh module, not a half-initialised one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLua } from '../../src/scripting/lua-runtime.js';
import type { ScriptHost, ScriptValue } from '../../src/scripting/types.js';

const host: ScriptHost = {
  call: () => ({ ok: Buffer.from('OK') }),
  pcall: () => ({ ok: Buffer.from('OK') }),
  log: () => {},
};

/** Nested pcalls: each level goes through the module's exception bridge (JavaScript frames). */
const NESTED = Buffer.from('local function f(n) if n == 0 then return 0 end return 1 + select(2, pcall(f, n - 1)) end return f(150)');

/** Runs the script with `depth` JavaScript frames under it. */
function runAtDepth(depth: number): void {
  if (depth > 0) {
    runAtDepth(depth - 1);
    return;
  }
  try {
    runLua(NESTED, [], [], host);
  } catch {
    // A stack overflow may surface here; what matters is the state it leaves.
  }
}

test('a stack overflow while the interpreter is replaced leaves it usable for the next run', () => {
  // Sweep the depth at which the script runs, so that the JavaScript stack runs out inside the
  // module, inside its replacement, and around them.
  for (let depth = 5000; depth < 14000; depth += 25) {
    try {
      runAtDepth(depth);
    } catch {
      // The sweep itself overflowed: deeper is no use.
      break;
    }
  }
  const r: ScriptValue = runLua(Buffer.from('return 42'), [], [], host);
  assert.equal(r, 42);
  assert.equal(runLua(NESTED, [], [], host), 150);
});
