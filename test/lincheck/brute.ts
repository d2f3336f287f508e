// A brute-force linearizability oracle for small KvOp histories, written independently of the
// checker (own semantics, no memo, no entry list) so the property tests compare two different
// implementations. Enumerates every order consistent with real-time order (A before B when
// A.ret < B.call), over every subset of the unknown-outcome operations.
import type { KvOp } from '../../src/lincheck/index.js';

export function bruteForceLinearizable(ops: readonly KvOp[], initial: string | null = null): boolean {
  const n = ops.length;
  const placed = new Array<boolean>(n).fill(false);
  const definite = ops.filter((o) => o.ret !== null).length;

  const apply = (store: Map<string, string | null>, op: KvOp): boolean => {
    const cur = store.has(op.key) ? store.get(op.key)! : initial;
    const known = op.ret !== null;
    switch (op.kind) {
      case 'get':
        return !known || op.output === cur;
      case 'put':
        store.set(op.key, op.value!);
        return true;
      case 'append':
        store.set(op.key, (cur === null ? '' : cur) + op.value!);
        return true;
      case 'cas': {
        const ok = cur === op.expected;
        if (known && op.output !== ok) return false;
        if (ok) store.set(op.key, op.value!);
        return true;
      }
    }
  };

  const rec = (store: Map<string, string | null>, done: number): boolean => {
    if (done === definite) return true;
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      const op = ops[i]!;
      let allowed = true;
      for (let j = 0; j < n && allowed; j++) {
        const r = ops[j]!.ret;
        if (!placed[j] && j !== i && r !== null && r < op.call) allowed = false;
      }
      if (!allowed) continue;
      const next = new Map(store);
      if (!apply(next, op)) continue;
      placed[i] = true;
      const ok = rec(next, done + (op.ret !== null ? 1 : 0));
      placed[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return rec(new Map(), 0);
}
