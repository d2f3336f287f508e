// Compare-and-set lock (the classic Redis lock pattern).
//   FCALL lock_acquire 1 <key> <token> <ttl-ms>  -> 1 if acquired (SET key token NX PX ttl), else 0
//   FCALL lock_release 1 <key> <token>           -> 1 if the lock held token and was deleted, else 0
//   FCALL lock_extend 1 <key> <token> <ttl-ms>   -> 1 if the lock held token and got a new TTL, else 0
//   FCALL_RO lock_owner 1 <key>                  -> the token holding the lock, or nil
// Release and extend compare the stored token byte for byte first, like the Lua unlock script
// `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`.
import { Kind, Value, argBytes, argInt, callBytes, fail, functions, keyBytes, replyInt, reply } from "../keyraft";

const SET = Uint8Array.wrap(String.UTF8.encode("SET"));
const GET = Uint8Array.wrap(String.UTF8.encode("GET"));
const DEL = Uint8Array.wrap(String.UTF8.encode("DEL"));
const NX = Uint8Array.wrap(String.UTF8.encode("NX"));
const PX = Uint8Array.wrap(String.UTF8.encode("PX"));
const PEXPIRE = Uint8Array.wrap(String.UTF8.encode("PEXPIRE"));

export function __keyraft_manifest(): void {
  functions()
    .add("lock_acquire", [], "SET KEYS[1] ARGV[1] NX PX ARGV[2]: 1 if acquired, 0 if held")
    .add("lock_release", [], "DEL KEYS[1] if it holds token ARGV[1]: 1 if released, 0 otherwise")
    .add("lock_extend", [], "PEXPIRE KEYS[1] ARGV[2] if it holds token ARGV[1]")
    .add("lock_owner", ["no-writes"], "The token holding KEYS[1], or nil")
    .done();
}

function ttlArg(i: i32): Uint8Array {
  if (argInt(i) <= 0) fail("ERR lock ttl must be a positive number of milliseconds");
  return argBytes(i);
}

function holds(key: Uint8Array, token: Uint8Array): bool {
  const current = callBytes([GET, key]);
  if (current.kind != Kind.Bulk) return false;
  const b = current.bytes!;
  return b.length == token.length && memory.compare(b.dataStart, token.dataStart, <usize>b.length) == 0;
}

export function lock_acquire(): void {
  const key = keyBytes(0);
  const token = argBytes(0);
  const r = callBytes([SET, key, token, NX, PX, ttlArg(1)]);
  replyInt(r.kind == Kind.Status ? 1 : 0);
}

export function lock_release(): void {
  const key = keyBytes(0);
  if (!holds(key, argBytes(0))) return replyInt(0);
  replyInt(callBytes([DEL, key]).toInt());
}

export function lock_extend(): void {
  const key = keyBytes(0);
  const ttl = ttlArg(1);
  if (!holds(key, argBytes(0))) return replyInt(0);
  replyInt(callBytes([PEXPIRE, key, ttl]).toInt());
}

export function lock_owner(): void {
  const current = callBytes([GET, keyBytes(0)]);
  if (current.kind != Kind.Bulk) return reply(Value.nil());
  reply(current);
}
