// Benchmark example: INCR KEYS[1], EXPIRE KEYS[1] ARGV[1], reply with the count — the WASM twin of
// `local v = redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], ARGV[1]); return v`.
import { argBytes, callBytes, functions, keyBytes, replyInt } from "../keyraft";

const INCR = Uint8Array.wrap(String.UTF8.encode("INCR"));
const EXPIRE = Uint8Array.wrap(String.UTF8.encode("EXPIRE"));

export function __keyraft_manifest(): void {
  functions().add("incr_expire", [], "INCR KEYS[1], EXPIRE KEYS[1] ARGV[1]; replies with the new count").done();
}

export function incr_expire(): void {
  const key = keyBytes(0);
  const count = callBytes([INCR, key]).toInt();
  callBytes([EXPIRE, key, argBytes(0)]);
  replyInt(count);
}
