// Fixed-window rate limiter. FCALL ratelimit 1 <key> <limit> <window-seconds>
// replies [allowed (1/0), remaining, seconds until the window resets].
// The first hit of a window creates the counter with INCR and starts its expiry with EXPIRE; later
// hits only INCR. A counter found without a TTL (e.g. created by a plain INCR) gets one, so a
// window can never last forever. FCALL_RO ratelimit_peek 1 <key> <limit> reads without counting.
import { Value, argInt, call, fail, functions, key, reply } from "../keyraft";

export function __keyraft_manifest(): void {
  functions()
    .add("ratelimit", [], "Fixed-window rate limiter: KEYS[1] counter, ARGV[1] limit, ARGV[2] window seconds -> [allowed, remaining, reset seconds]")
    .add("ratelimit_peek", ["no-writes"], "Current window of KEYS[1] with limit ARGV[1] -> [used, remaining, reset seconds]")
    .done();
}

function limitArg(): i64 {
  const limit = argInt(0);
  if (limit < 0) fail("ERR limit must not be negative");
  return limit;
}

export function ratelimit(): void {
  const k = key(0);
  const limit = limitArg();
  const window = argInt(1);
  if (window <= 0) fail("ERR window must be positive");
  const count = call(["INCR", k]).toInt();
  let ttl: i64 = window;
  if (count == 1) {
    call(["EXPIRE", k, window.toString()]);
  } else {
    ttl = call(["TTL", k]).toInt();
    if (ttl < 0) {
      call(["EXPIRE", k, window.toString()]);
      ttl = window;
    }
  }
  const allowed = count <= limit;
  const remaining: i64 = allowed ? limit - count : 0;
  reply(Value.array([Value.int(allowed ? 1 : 0), Value.int(remaining), Value.int(ttl)]));
}

export function ratelimit_peek(): void {
  const k = key(0);
  const limit = limitArg();
  const current = call(["GET", k]);
  const used: i64 = current.isNil || current.kind == 6 ? 0 : current.toInt();
  const ttl = used == 0 ? 0 : call(["TTL", k]).toInt();
  const remaining: i64 = used >= limit ? 0 : limit - used;
  reply(Value.array([Value.int(used), Value.int(remaining), Value.int(ttl < 0 ? 0 : ttl)]));
}
