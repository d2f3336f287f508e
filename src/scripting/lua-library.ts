// The LUA engine of FUNCTION LOAD: a `#!lua name=<lib>` library whose code calls
// redis.register_function. Loading runs the library once, inside a small prelude that gives it a
// `redis` with a checking register_function (and without call/pcall, as Redis does while
// loading); the callbacks it registers are kept compiled in the interpreter (LuaFunctions), so
// FCALL only calls one, and a library's local state lives from call to call, as in Redis. The
// prelude takes the place of the shebang line, so line numbers in errors stay the library's.

import type { CompiledLibrary, FunctionInfo, LibraryEngine, ScriptArg, ScriptHost, ScriptValue } from './types.js';
import { errorMessage, FUEL_UNITS_PER_MS, fuelLimitUnits, isFuelExhausted, isRaisedError, LuaFunctions, scriptErrorText, setFuelLimit } from './lua-runtime.js';
import { SCRIPT_FLAGS, validName, withoutFirstLine } from './shebang.js';

/** How long loading a library may run (Redis's FUNCTION LOAD timeout, 500 ms). */
export const LOAD_TIMEOUT_MS = 500;

/** Most functions one library may register. */
export const LIBRARY_FUNCTIONS_MAX = 10_000;

// Line 1 when loading: a `redis` that adds a checking register_function and hides call/pcall
// (as Redis does while loading), then the library's code inside a do-block.
const PRELUDE = [
  'local __kr_real = redis local __kr_fns = {} local __kr_regs = {} local __kr_loading = true',
  'local function __kr_fail(msg) error(msg, 0) end',
  'local function __kr_register(a, b)',
  ' local name, cb, flags, desc',
  " if type(a) == 'table' then",
  '  if b ~= nil then __kr_fail("wrong number of arguments to redis.register_function") end',
  '  for k, v in pairs(a) do',
  '   if type(k) ~= "string" then __kr_fail("named argument key given to redis.register_function is not a string")',
  '   elseif k == "function_name" then if type(v) ~= "string" then __kr_fail("function_name argument given to redis.register_function must be a string") end name = v',
  '   elseif k == "callback" then if type(v) ~= "function" then __kr_fail("callback argument given to redis.register_function must be a function") end cb = v',
  '   elseif k == "description" then if type(v) ~= "string" then __kr_fail("description argument given to redis.register_function must be a string") end desc = v',
  '   elseif k == "flags" then if type(v) ~= "table" then __kr_fail("flags argument to redis.register_function must be a table representing function flags") end flags = v',
  '   else __kr_fail("unknown argument given to redis.register_function") end',
  '  end',
  '  if name == nil then __kr_fail("redis.register_function must get a function name argument") end',
  '  if cb == nil then __kr_fail("redis.register_function must get a callback argument") end',
  ' else',
  '  if type(a) ~= "string" and type(a) ~= "number" then __kr_fail("first argument to redis.register_function must be a string") end',
  '  if type(b) ~= "function" then __kr_fail("second argument to redis.register_function must be a function") end',
  '  name = tostring(a) cb = b',
  ' end',
  ' if __kr_fns[name] ~= nil then __kr_fail("Function already exists in the library") end',
  ' local fl = {}',
  ' if flags ~= nil then for _, f in ipairs(flags) do if type(f) ~= "string" then __kr_fail("unknown flag given") end fl[#fl + 1] = f end end',
  ' __kr_fns[name] = cb',
  ' __kr_regs[#__kr_regs + 1] = {name, desc or "", desc and "1" or "0", table.concat(fl, ","), cb}',
  'end',
  'local redis = setmetatable({register_function = __kr_register}, {__index = function(_, k)',
  ' if __kr_loading and (k == "call" or k == "pcall") then error("Script attempted to access nonexistent global variable \'" .. tostring(k) .. "\'", 2) end',
  ' return __kr_real[k] end})',
  'local server = redis do ',
].join(' ');

/**
 * After the library's code: loading is over, and `redis` now reads straight through to the real
 * one (which has no register_function, as at FCALL time in Redis).
 */
const LOAD_SUFFIX = Buffer.from('\nend __kr_loading = false redis.register_function = nil setmetatable(redis, {__index = __kr_real}) return __kr_regs');
const LOAD_PRELUDE = Buffer.from(PRELUDE);

function loadingChunk(body: Buffer): Buffer {
  return Buffer.concat([LOAD_PRELUDE, body, LOAD_SUFFIX]);
}

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
      const again = LuaFunctions.load(loadingChunk(this.body), LOADING_HOST);
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
    const body = withoutFirstLine(code);
    // Its own budget, whatever the last script had (up to ten seconds); the caller's is put back.
    const previousFuel = fuelLimitUnits();
    setFuelLimit(LOAD_TIMEOUT_MS * FUEL_UNITS_PER_MS);
    let loaded: ReturnType<typeof LuaFunctions.load>;
    try {
      loaded = LuaFunctions.load(loadingChunk(body), LOADING_HOST);
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
