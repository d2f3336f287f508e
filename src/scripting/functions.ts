// The function libraries loaded with FUNCTION LOAD: which library owns which function, the
// engines that compile them (LUA, WASM), and the DUMP/RESTORE payload. Libraries are part of
// the dataset: FUNCTION LOAD/DELETE/FLUSH/RESTORE are writes (logged and replayed), snapshots
// carry every library's code, and FLUSHALL leaves them alone, as in Redis.

import type { CompiledLibrary, FunctionInfo, LibraryEngine } from './types.js';
import { parseLibraryShebang } from './shebang.js';
import { crc32Js } from '../persistence/crc.js';

export interface Library {
  name: string;
  engine: LibraryEngine;
  code: Buffer;
  compiled: CompiledLibrary;
}

export interface RegisteredFunction {
  library: Library;
  info: FunctionInfo;
}

/** Most libraries one server holds; every collection has a limit. */
export const LIBRARIES_MAX = 100_000;

export class FunctionRegistry {
  readonly libraries = new Map<string, Library>();
  /** Every library's functions by lowercased name (FCALL finds them case-insensitively: lookup). */
  readonly functions = new Map<string, RegisteredFunction>();
  private readonly engines = new Map<string, LibraryEngine>();

  registerEngine(engine: LibraryEngine): void {
    this.engines.set(engine.name.toLowerCase(), engine);
  }

  engineNames(): string[] {
    return [...this.engines.values()].map((e) => e.name);
  }

  /** Compiles a library without installing it. Throws with Redis's error text. */
  compile(code: Buffer): Library {
    const shebang = parseLibraryShebang(code);
    if (typeof shebang === 'string') throw new Error(shebang);
    const engine = this.engines.get(shebang.engine.toLowerCase());
    if (engine === undefined) throw new Error(`ERR Engine '${shebang.engine}' not found`);
    const compiled = engine.create(shebang.name, code);
    return { name: shebang.name, engine, code, compiled };
  }

  /** FCALL's lookup: function names are case-insensitive, as in Redis (library names are not). */
  lookup(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /** FUNCTION LOAD: compiles and installs; returns the library name. Throws with Redis's error text. */
  load(code: Buffer, replace: boolean): string {
    if (!replace) {
      // Redis refuses an existing library before running the new code.
      const shebang = parseLibraryShebang(code);
      if (typeof shebang !== 'string' && this.libraries.has(shebang.name)) throw new Error(`ERR Library '${shebang.name}' already exists`);
    }
    const lib = this.compile(code);
    this.install([lib], replace);
    return lib.name;
  }

  /**
   * Installs libraries all-or-nothing: a name clash (library without `replace`, or a function
   * another library owns) installs none of them.
   */
  install(libs: Library[], replace: boolean): void {
    const replacing = new Set<string>();
    const newFunctions = new Set<string>();
    for (const lib of libs) {
      if (this.libraries.has(lib.name)) {
        if (!replace) throw new Error(`ERR Library '${lib.name}' already exists`);
        replacing.add(lib.name);
      }
      for (const fn of lib.compiled.functions) {
        const key = fn.name.toLowerCase();
        const owner = this.functions.get(key);
        if ((owner !== undefined && !replacing.has(owner.library.name)) || newFunctions.has(key)) throw new Error(`ERR Function ${fn.name} already exists`);
        newFunctions.add(key);
      }
    }
    if (this.libraries.size - replacing.size + libs.length > LIBRARIES_MAX) throw new Error(`ERR Too many libraries (at most ${LIBRARIES_MAX})`);
    for (const name of replacing) this.delete(name);
    for (const lib of libs) {
      this.libraries.set(lib.name, lib);
      for (const info of lib.compiled.functions) this.functions.set(info.name.toLowerCase(), { library: lib, info });
    }
  }

  delete(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    for (const fn of lib.compiled.functions) this.functions.delete(fn.name.toLowerCase());
    this.libraries.delete(name);
    return true;
  }

  flush(): void {
    this.libraries.clear();
    this.functions.clear();
  }

  /** FUNCTION DUMP: every library's code, with a version and a checksum (keyraft's own layout). */
  dump(): Buffer {
    const parts: Buffer[] = [];
    for (const lib of this.libraries.values()) {
      const head = Buffer.alloc(5);
      head[0] = DUMP_LIBRARY_OPCODE;
      head.writeUInt32LE(lib.code.length, 1);
      parts.push(head, lib.code);
    }
    const body = Buffer.concat(parts);
    const footer = Buffer.alloc(6);
    footer.writeUInt16LE(DUMP_VERSION, 0);
    footer.writeUInt32LE(crc32Js(Buffer.concat([body, footer.subarray(0, 2)])) >>> 0, 2);
    return Buffer.concat([body, footer]);
  }

  /** Parses a DUMP payload into library codes, or throws Redis's error text. */
  static parseDump(payload: Buffer): Buffer[] {
    const bad = new Error('ERR payload version or checksum are wrong');
    if (payload.length < 6) throw bad;
    const bodyEnd = payload.length - 4;
    if (payload.readUInt16LE(payload.length - 6) !== DUMP_VERSION) throw bad;
    if ((crc32Js(payload.subarray(0, bodyEnd)) >>> 0) !== payload.readUInt32LE(bodyEnd)) throw bad;
    const codes: Buffer[] = [];
    let at = 0;
    const end = payload.length - 6;
    while (at < end) {
      if (payload[at] !== DUMP_LIBRARY_OPCODE || at + 5 > end) throw new Error('ERR given type is not a function');
      const len = payload.readUInt32LE(at + 1);
      if (at + 5 + len > end) throw bad;
      codes.push(Buffer.from(payload.subarray(at + 5, at + 5 + len)));
      at += 5 + len;
    }
    return codes;
  }
}

/** Marks a library in a DUMP payload (Redis's RDB_OPCODE_FUNCTION2). */
const DUMP_LIBRARY_OPCODE = 245;
/** The DUMP payload layout version; RESTORE refuses others. */
const DUMP_VERSION = 1;
