// Pure computation for measuring the fuel instrumentation's cost (bench.mjs): a tight loop (one
// unit per iteration, the worst case) and naive recursion (one unit per function entry).
import "../keyraft"; // the SDK routes abort() to keyraft.fail
export function sum(n: i32): i64 {
  let s: i64 = 0;
  for (let i = 0; i < n; i++) s += <i64>i * <i64>i;
  return s;
}

export function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function sieve(n: i32): i32 {
  const flags = new Uint8Array(n + 1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (flags[i] != 0) continue;
    count++;
    for (let j = i * 2; j <= n; j += i) flags[j] = 1;
  }
  return count;
}
