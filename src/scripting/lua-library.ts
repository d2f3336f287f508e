// The LUA engine of FUNCTION LOAD: a `#!lua name=<lib>` library whose code calls
// redis.register_function. Loading runs the library once in the environment Redis 7.0 gives it
// (the glue's MODE_LOAD: only redis.register_function, redis.log and the version, with Redis's
// argument checks); the callbacks it registers are kept compiled in the interpreter
// (LuaFunctions), so FCALL only calls one, and a library's local state lives from call to call,
// as in Redis.

import type { CompiledLibrary, FunctionInfo, LibraryEngine, ScriptArg, ScriptHost, ScriptValue } from './types.js';
import { errorMessage, FUEL_UNITS_PER_MS, fuelLimitUnits, isFuelExhausted, isRaisedError, LuaFunctions, scriptErrorText, setFuelLimit } from './lua-runtime.js';
import { SCRIPT_FLAGS, validName, withoutFirstLine } from './shebang.js';

/** How long loading a library may run (Redis's FUNCTION LOAD timeout, 500 ms). */
export const LOAD_TIMEOUT_MS = 500;

/** Most functions one library may register. */
export const LIBRARY_FUNCTIONS_MAX = 10_000;

/** The host used while loading: a library may not run commands then. */
const LOADING_HOST: ScriptHost = {
  call: () => ({ err: Buffer.from('ERR redis.call is not allowed while loading a library') }),
  pcall: () => ({ err: Buffer.from('ERR redis.call is not allowed while loading a library') }),
  log: () => {},
};

class LuaLibrary implements CompiledLibrary {
  constructor(
    readonly functions: readonly FunctionInfo[],
    private readonly body: Buffer,
    private compiled: LuaFunctions,
  ) {}

  call(functionName: string, keys: readonly ScriptArg[], args: readonly ScriptArg[], host: ScriptHost): ScriptValue {
    if (!this.compiled.alive) {
      // The interpreter was replaced after a failure: load the library into the new one.
      const again = LuaFunctions.load(this.body, LOADING_HOST);
      if (again.functions === null) return { err: Buffer.from('ERR the library could not be loaded again') };
      this.compiled = again.functions;
    }
    const result = this.compiled.call(functionName, keys, args, host);
    if (isRaisedError(result)) return { err: Buffer.from(scriptErrorText(result, functionName), 'latin1') };
    return result;
  }
}

function registrations(value: ScriptValue): FunctionInfo[] {
  const list = Array.isArray(value) ? value : [];
  return list.map((entry) => {
    const [name, desc, hasDesc, flags] = (entry as Buffer[]).slice(0, 4).map((b) => b.toString('latin1'));
    return { name: name!, description: hasDesc === '1' ? desc! : null, flags: flags === '' ? [] : flags!.split(',') };
  });
}

export class LuaLibraryEngine implements LibraryEngine {
  readonly name = 'LUA';

  create(_libraryName: string, code: Buffer): CompiledLibrary {
    // The chunk is the code after the shebang line, its newline kept so that line numbers in
    // errors are the library's. The glue runs it in the libraries' environment (keyraft_lua.c,
    // MODE_LOAD): while it loads it sees only Redis 7.0's library API (redis.register_function,
    // redis.log, redis.LOG_*, redis.REDIS_VERSION(_NUM)); the functions it registers see the
    // globals when called, without EVAL's KEYS and ARGV.
    const body = withoutFirstLine(code);
    // Its own budget, whatever the last script had (up to ten seconds); the caller's is put back.
    const previousFuel = fuelLimitUnits();
    setFuelLimit(LOAD_TIMEOUT_MS * FUEL_UNITS_PER_MS);
    let loaded: ReturnType<typeof LuaFunctions.load>;
    try {
      loaded = LuaFunctions.load(body, LOADING_HOST);
    } finally {
      if (previousFuel > 0) setFuelLimit(previousFuel);
    }
    const result = loaded.result;
    if (isRaisedError(result) && result.meta.compile === true) throw new Error(`ERR Error compiling function: ${errorMessage(result)}`);
    if (isFuelExhausted(result)) throw new Error('ERR Error registering functions: ERR FUNCTION LOAD timeout');
    if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'err' in result) {
      throw new Error(`ERR Error registering functions: ${errorMessage(result)}`);
    }
    const functions = registrations(result);
    if (functions.length === 0 || loaded.functions === null) throw new Error('ERR No functions registered');
    if (functions.length > LIBRARY_FUNCTIONS_MAX) throw new Error(`ERR A library may register at most ${LIBRARY_FUNCTIONS_MAX} functions`);
    for (const fn of functions) {
      // Redis 7.0 words this with "Library names" although it is about the function's name.
      if (!validName(fn.name)) throw new Error('ERR Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
      for (const flag of fn.flags) if (!SCRIPT_FLAGS.has(flag)) throw new Error('ERR Error registering functions: ERR unknown flag given');
    }
    return new LuaLibrary(functions, body, loaded.functions);
  }
}
