// The shapes shared by keyraft's script engines (Lua for EVAL and `#!lua` libraries, WebAssembly
// for `#!wasm` libraries) and the server code that runs them. An engine never touches the
// keyspace itself: it reaches data only through a ScriptHost (redis.call / redis.pcall /
// redis.log), and hands back a ScriptValue that the server converts to the client's RESP2 or
// RESP3 reply. Keeping this boundary small is what lets an engine be replaced, or moved to a
// worker thread for a script that runs long.

/**
 * A reply as a script sees it and returns it:
 * null = nil, number/bigint = integer, Buffer = bulk string, arrays, and tagged objects for
 * status, error and the RESP3 types.
 */
export type ScriptValue =
  | null
  | number
  | bigint
  | boolean
  | Buffer
  | { ok: Buffer }
  | { err: Buffer; code?: Buffer; meta?: unknown }
  | { double: number }
  | { big_number: Buffer }
  | { verbatim_string: { format: Buffer; string: Buffer } }
  | { map: [ScriptValue, ScriptValue][] }
  | { set: ScriptValue[] }
  | ScriptValue[];

/** What a running script may ask of the server. */
export interface ScriptHost {
  /**
   * redis.call: runs a command. A command error comes back as `{err, code}` and the engine
   * raises it as a script error (Redis's redis.call behaviour).
   */
  call(args: Buffer[]): ScriptValue;
  /** redis.pcall: like call, but an error is returned to the script as a value. */
  pcall(args: Buffer[]): ScriptValue;
  /** redis.log(level, message); level is Redis's 0 (debug) .. 3 (warning). */
  log(level: number, message: Buffer): void;
}

/** A KEYS or ARGV element as a script engine takes it: a latin1 string (one char per byte) or bytes. */
export type ScriptArg = string | Buffer;

/** A function registered by a library (redis.register_function or a WASM export). */
export interface FunctionInfo {
  name: string;
  description: string | null;
  /** Redis's function flags: no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys. */
  flags: string[];
}

/** A library an engine has compiled; its functions are called by FCALL. */
export interface CompiledLibrary {
  readonly functions: readonly FunctionInfo[];
  /**
   * Runs one function with KEYS and ARGV. Errors the function raises come back as `{err}`
   * values (never thrown), with Redis's text. `host` is valid only during the call.
   */
  call(functionName: string, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: ScriptHost): ScriptValue;
}

/** A language FUNCTION LOAD accepts, chosen by the `#!<engine> name=<lib>` first line. */
export interface LibraryEngine {
  /** As FUNCTION LIST reports it: "LUA", "WASM". */
  readonly name: string;
  /**
   * Compiles a library's code (the whole text, first line included). Throws an Error whose
   * message is the reply Redis gives (e.g. "ERR Error compiling function: …") when the code
   * is invalid or registers nothing.
   */
  create(libraryName: string, code: Buffer): CompiledLibrary;
}
