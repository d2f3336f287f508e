#!/usr/bin/env node
// Builds keyraft WASM function libraries from AssemblyScript with `asc` (the assemblyscript
// devDependency) and writes the FUNCTION LOAD payload: `#!wasm name=<lib>\n<base64 module>`.
//
//   node sdk/assemblyscript/build.mjs                       build the examples into sdk/assemblyscript/build/
//   node sdk/assemblyscript/build.mjs --entry my.ts --name mylib [--out mylib.wasmlib] [--max-memory 16]
//   npm run build:wasm-examples
//
// Load a payload with: redis-cli -x FUNCTION LOAD < sdk/assemblyscript/build/ratelimit.wasmlib
//
// Modules are compiled with the "stub" runtime (a bump allocator that never frees: keyraft restores
// the module's memory after every call, so there is nothing to collect), a declared memory maximum
// (keyraft refuses modules without one), and AssemblyScript's abort routed to keyraft's `fail`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK_DIR = dirname(fileURLToPath(import.meta.url));
/** The directory AssemblyScript resolves internal paths against (the repository root). */
const BASE_DIR = resolve(SDK_DIR, '..', '..');

export const EXAMPLES = [
  { entry: join(SDK_DIR, 'examples', 'ratelimit.ts'), name: 'ratelimit' },
  { entry: join(SDK_DIR, 'examples', 'lock.ts'), name: 'lock' },
  { entry: join(SDK_DIR, 'examples', 'incr-expire.ts'), name: 'incr_expire' },
];

/** The FUNCTION LOAD payload for a compiled module. */
export function payload(name, wasm) {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`library name '${name}': letters, digits and underscores only`);
  return `#!wasm name=${name}\n${Buffer.from(wasm).toString('base64')}`;
}

/**
 * Compiles one AssemblyScript entry file. Returns { wasm: Uint8Array, payload: string }.
 * Options: name (library name), maxMemoryPages (default 16 = 1 MiB), optimize (default true),
 * runtime (default "stub").
 */
export async function buildLibrary({ entry, name, maxMemoryPages = 16, optimize = true, runtime = 'stub' }) {
  const { default: asc } = await import('assemblyscript/asc');
  const rel = relative(BASE_DIR, resolve(entry)).split(sep).join('/');
  const abortPath = relative(BASE_DIR, join(SDK_DIR, 'keyraft')).split(sep).join('/');
  const args = [
    rel,
    '--baseDir', BASE_DIR,
    '--outFile', 'out.wasm',
    '--runtime', runtime,
    '--maximumMemory', String(maxMemoryPages),
    '--use', `abort=${abortPath}/keyraftAbort`,
  ];
  if (optimize) args.push('-O3', '--noAssert');
  let wasm = null;
  let errors = '';
  const { error } = await asc.main(args, {
    writeFile(file, contents) {
      if (file.endsWith('.wasm')) wasm = contents;
    },
    stdout: { write() { return true; } },
    stderr: { write(s) { errors += String(s); return true; } },
  });
  if (error || wasm === null) throw new Error(`asc failed for ${rel}: ${error?.message ?? ''}\n${errors}`);
  return { wasm, payload: payload(name, wasm) };
}

function argValue(argv, flag) {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function cli(argv) {
  const entry = argValue(argv, '--entry');
  const maxMemoryPages = Number(argValue(argv, '--max-memory') ?? 16);
  if (entry) {
    const name = argValue(argv, '--name');
    if (!name) throw new Error('--name <library> is required with --entry');
    const out = argValue(argv, '--out') ?? `${name}.wasmlib`;
    const built = await buildLibrary({ entry, name, maxMemoryPages });
    writeFileSync(out, built.payload);
    console.log(`${out}: ${built.wasm.length} bytes of wasm`);
    return;
  }
  const outDir = argValue(argv, '--out-dir') ?? join(SDK_DIR, 'build');
  mkdirSync(outDir, { recursive: true });
  for (const ex of EXAMPLES) {
    const built = await buildLibrary({ ...ex, maxMemoryPages });
    writeFileSync(join(outDir, `${ex.name}.wasm`), built.wasm);
    writeFileSync(join(outDir, `${ex.name}.wasmlib`), built.payload);
    console.log(`${join(outDir, `${ex.name}.wasmlib`)}: ${built.wasm.length} bytes of wasm`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
