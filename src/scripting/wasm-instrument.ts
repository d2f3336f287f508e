// Load-time checks and instrumentation of `#!wasm` function modules (docs/WASM-FUNCTIONS.md).
// A module is accepted only if it can be run as a sandboxed, bounded, resettable function library:
//   - it imports nothing but keyraft's host functions (module "keyraft"), with their exact types;
//   - it uses only plain computational features (no exception handling, which could swallow an
//     abort; no reference types / passive segments, whose table and segment state would survive
//     the per-call reset; no threads, no 64-bit or multiple memories);
//   - it defines one memory whose declared maximum is within the cap (so it cannot grow without
//     bound), and no state but memory and globals.
// Then binaryen (a dependency of assemblyscript) rewrites it: a fuel counter is decremented at every
// function entry and loop header (binaryen's log-execution pass places the hook; we replace its
// logger import by an inlined decrement), and when it runs out the host's refuel import decides
// whether to continue (FUNCTION KILL / timeouts) — which is what stops a `while (true) {}`.
// Memory, fuel and mutable globals get exports of our own so the engine can reset the instance
// between calls (each call starts from the module's initial state: no state carries over, so a
// replayed FCALL computes the same thing).

import binaryen from 'binaryen';

/** The host functions a module may import from "keyraft", with their wasm signatures. */
export const HOST_IMPORTS: Readonly<Record<string, { params: string[]; results: string[] }>> = {
  input: { params: ['i32', 'i32'], results: ['i32'] },
  call: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
  pcall: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
  result: { params: ['i32', 'i32'], results: ['i32'] },
  reply: { params: ['i32', 'i32'], results: [] },
  fail: { params: ['i32', 'i32'], results: [] },
  log: { params: ['i32', 'i32', 'i32'], results: [] },
  time: { params: [], results: ['f64'] },
  random: { params: [], results: ['f64'] },
};
export const HOST_MODULE = 'keyraft';
/** Where the refuel hook we add is imported from (a module may not import it itself). */
export const INTERNAL_MODULE = 'keyraft_internal';
export const EXPORT_MEMORY = '__kr_memory';
export const EXPORT_FUEL = '__kr_fuel';
export const EXPORT_GLOBAL_PREFIX = '__kr_g';
export const MANIFEST_EXPORT = '__keyraft_manifest';

/** A function export FCALL can call: no parameters, no results (data flows through the host). */
export interface EntryExport {
  name: string;
}

export interface PreparedModule {
  /** The instrumented binary. */
  binary: Uint8Array<ArrayBuffer>;
  /** Exported `() -> ()` functions (FCALL candidates and the manifest). */
  entries: EntryExport[];
  /** Number of mutable globals exported as `__kr_g<i>`. */
  mutableGlobals: number;
  memoryPagesInitial: number;
  memoryPagesMax: number;
}

export interface PrepareLimits {
  memoryPagesMax: number;
}

/** A module the engine refuses; the message says why (without Redis's prefix). */
export class ModuleRejected extends Error {}

const F = binaryen.Features;
const ALLOWED_FEATURES =
  F.MutableGlobals | F.NontrappingFPToInt | F.SignExt | F.BulkMemoryOpt | F.SIMD128 | F.Multivalue;

const TYPE_NAMES = new Map<number, string>([
  [binaryen.none, 'none'],
  [binaryen.i32, 'i32'],
  [binaryen.i64, 'i64'],
  [binaryen.f32, 'f32'],
  [binaryen.f64, 'f64'],
  [binaryen.v128, 'v128'],
]);

function typeList(t: number): string[] {
  if (t === binaryen.none) return [];
  return binaryen.expandType(t).map((x) => TYPE_NAMES.get(x) ?? `type#${x}`);
}

/**
 * binaryen's validator prints its findings to stderr (through Emscripten, which buffers a partial
 * last line); capture them instead, and flush that partial line by validating a module with a
 * known function-level error, so nothing leaks into the server's log later.
 */
function quietValidate(mod: binaryen.Module): string | null {
  let captured = '';
  const stderr = process.stderr;
  const original = stderr.write;
  stderr.write = ((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof stderr.write;
  try {
    if (mod.validate()) return null;
    const flush = new binaryen.Module();
    try {
      flush.addFunction('flush', binaryen.none, binaryen.none, [], flush.drop(flush.i32.add(flush.i32.const(1), flush.f32.const(1))));
      flush.validate();
    } finally {
      flush.dispose();
    }
  } finally {
    stderr.write = original;
  }
  const first = captured.split('\n').find((l) => l.startsWith('[wasm-validator')) ?? 'invalid module';
  return first.replace(/^\[wasm-validator error in [^\]]*\]\s*/, '').replace(/,? on\s*$/, '').replace(/\s*\[--enable-[^\]]*\]/, '');
}

/** Validates, checks the sandbox rules and instruments a module. Throws ModuleRejected. */
export function prepareModule(bytes: Uint8Array<ArrayBuffer>, limits: PrepareLimits): PreparedModule {
  // V8 first: binaryen must never see a malformed binary (a fatal error inside it poisons the
  // binaryen instance for the rest of the process).
  let v8mod: WebAssembly.Module;
  try {
    v8mod = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new ModuleRejected(`invalid WebAssembly module: ${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, '')}`);
  }
  for (const imp of WebAssembly.Module.imports(v8mod)) {
    if (imp.module !== HOST_MODULE || imp.kind !== 'function' || !(imp.name in HOST_IMPORTS)) {
      throw new ModuleRejected(`module imports ${imp.kind} '${imp.module}.${imp.name}'; only keyraft host functions may be imported (${Object.keys(HOST_IMPORTS).map((n) => `keyraft.${n}`).join(', ')})`);
    }
  }
  for (const exp of WebAssembly.Module.exports(v8mod)) {
    if (exp.name.startsWith('__kr_')) throw new ModuleRejected(`export name '${exp.name}' is reserved`);
  }

  let mod: binaryen.Module;
  try {
    mod = binaryen.readBinaryWithFeatures(bytes, ALLOWED_FEATURES);
  } catch {
    throw new ModuleRejected('module could not be read');
  }
  try {
    const problem = quietValidate(mod);
    if (problem !== null) throw new ModuleRejected(`module uses an unsupported feature or is invalid: ${problem}`);

    // Imports: exact signatures.
    for (let i = 0; i < mod.getNumFunctions(); i++) {
      const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
      if (!info.module) continue;
      const want = HOST_IMPORTS[info.base!]!;
      const params = typeList(info.params);
      const results = typeList(info.results);
      if (params.join() !== want.params.join() || results.join() !== want.results.join()) {
        throw new ModuleRejected(`import keyraft.${info.base} has type (${params.join(', ')}) -> (${results.join(', ')}); expected (${want.params.join(', ')}) -> (${want.results.join(', ')})`);
      }
    }

    // Memory: one, defined here, bounded.
    if (!mod.hasMemory()) throw new ModuleRejected('module defines no memory');
    const mem = mod.getMemoryInfo();
    if (mem.shared || mem.is64) throw new ModuleRejected('shared or 64-bit memory is not supported');
    if (mem.max === undefined || mem.max === 0xffffffff) {
      throw new ModuleRejected(`module memory declares no maximum; declare one of at most ${limits.memoryPagesMax} pages (asc --maximumMemory)`);
    }
    if (mem.max > limits.memoryPagesMax) {
      throw new ModuleRejected(`module memory maximum ${mem.max} pages exceeds the limit of ${limits.memoryPagesMax} pages`);
    }
    if (mem.initial > mem.max) throw new ModuleRejected('module memory initial size exceeds its maximum');

    // Globals: mutable ones are exported so the engine can restore them; v128 cannot cross to JS.
    let mutableGlobals = 0;
    for (let i = 0; i < mod.getNumGlobals(); i++) {
      const g = binaryen.getGlobalInfo(mod.getGlobalByIndex(i));
      if (!g.mutable) continue;
      if (g.type === binaryen.v128) throw new ModuleRejected('mutable v128 globals are not supported');
      mod.addGlobalExport(g.name, `${EXPORT_GLOBAL_PREFIX}${mutableGlobals++}`);
    }

    // Entry points: exported functions with no params and no results.
    const entries: EntryExport[] = [];
    for (let i = 0; i < mod.getNumExports(); i++) {
      const exp = binaryen.getExportInfo(mod.getExportByIndex(i));
      if (exp.kind === binaryen.ExternalFunction) {
        const fn = binaryen.getFunctionInfo(mod.getFunction(exp.value));
        if (fn.params === binaryen.none && fn.results === binaryen.none) entries.push({ name: exp.name });
      }
    }
    mod.addMemoryExport(memoryName(mod), EXPORT_MEMORY);

    instrumentFuel(mod);

    const problemAfter = quietValidate(mod);
    if (problemAfter !== null) throw new ModuleRejected(`instrumentation failed: ${problemAfter}`);
    const binary = new Uint8Array(mod.emitBinary());
    return { binary, entries, mutableGlobals, memoryPagesInitial: mem.initial, memoryPagesMax: mem.max };
  } finally {
    mod.dispose();
  }
}

/** The internal name of the module's (single) memory. */
function memoryName(mod: binaryen.Module): string {
  // binaryen.js has no getMemoryByIndex; the memory export, if any, names it, else binaryen's default.
  for (let i = 0; i < mod.getNumExports(); i++) {
    const exp = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (exp.kind === binaryen.ExternalMemory) return exp.value;
  }
  return '0';
}

/**
 * Adds the fuel counter. Each function entry and loop header costs one unit; when the counter goes
 * negative, `keyraft_internal.refuel()` returns the next allowance, or a negative number to stop:
 * then the instrumented code executes `unreachable`, a trap no wasm code can catch.
 */
function instrumentFuel(mod: binaryen.Module): void {
  const LOGGER = 'log_execution';
  if (mod.getFunction(LOGGER)) throw new ModuleRejected(`function name '${LOGGER}' is reserved`);
  binaryen.setPassArgument('log-execution', INTERNAL_MODULE);
  try {
    mod.runPasses(['log-execution']);
  } finally {
    binaryen.setPassArgument('log-execution', null);
  }
  mod.removeFunction(LOGGER);
  const fuel = '__kr_fuel';
  const refuel = '__kr_refuel';
  mod.addGlobal(fuel, binaryen.i32, true, mod.i32.const(0));
  mod.addGlobalExport(fuel, EXPORT_FUEL);
  mod.addFunctionImport(refuel, INTERNAL_MODULE, 'refuel', binaryen.none, binaryen.i32);
  const get = () => mod.global.get(fuel, binaryen.i32);
  mod.addFunction(
    LOGGER,
    binaryen.i32,
    binaryen.none,
    [],
    mod.block(null, [
      mod.global.set(fuel, mod.i32.sub(get(), mod.i32.const(1))),
      mod.if(
        mod.i32.lt_s(get(), mod.i32.const(0)),
        mod.block(null, [
          mod.global.set(fuel, mod.call(refuel, [], binaryen.i32)),
          mod.if(mod.i32.lt_s(get(), mod.i32.const(0)), mod.unreachable()),
        ]),
      ),
    ]),
  );
  // Inline the check at every site (a call per loop iteration costs about twice as much).
  const alwaysInline = binaryen.getAlwaysInlineMaxSize();
  const oneCaller = binaryen.getOneCallerInlineMaxSize();
  const flexible = binaryen.getFlexibleInlineMaxSize();
  binaryen.setAlwaysInlineMaxSize(40);
  // Leave the module's own functions alone as much as possible.
  binaryen.setOneCallerInlineMaxSize(0);
  binaryen.setFlexibleInlineMaxSize(0);
  try {
    mod.runPasses(['inlining']);
  } finally {
    binaryen.setAlwaysInlineMaxSize(alwaysInline);
    binaryen.setOneCallerInlineMaxSize(oneCaller);
    binaryen.setFlexibleInlineMaxSize(flexible);
  }
}
