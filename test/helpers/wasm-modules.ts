// Hand-written WebAssembly modules for the WASM function tests: WebAssembly text assembled with
// binaryen (a devDependency, via assemblyscript), and the `#!wasm name=…` payload FUNCTION LOAD
// and the engine take.
import binaryen from 'binaryen';

/** Assembles WebAssembly text to a binary (every feature enabled: the engine decides what it accepts). */
export function wat(source: string): Uint8Array {
  const mod = binaryen.parseText(source);
  try {
    mod.setFeatures(binaryen.Features.All);
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}

/** A `#!wasm` library payload for a module. */
export function lib(name: string, wasm: Uint8Array): Buffer {
  return Buffer.from(`#!wasm name=${name}\n${Buffer.from(wasm).toString('base64')}`);
}
