// Parsers for the two corpus formats (see ../shared/linearizability-corpus/README.md): Jepsen etcd
// logs (one compare-and-set register) and EDN-map-per-line kv histories (get/put/append per key).
// This module owns turning text into per-key operation lists and deciding which outcomes are
// unknown; it works on strings only (file reading lives in the CLI and the tests).
//
// Times are line numbers. An operation's return is the next return line of the same process.
// Outcome rules, from the README and Jepsen's conventions:
//   :ok                      definite result
//   :fail :cas [FROM TO]     definite: the cas did not take effect (output false)
//   :fail with :timed-out    unknown (e.g. `:fail :read :timed-out`)
//   :fail otherwise          definite: the operation did not happen, so it is dropped
//   :info                    unknown (indeterminate)
//   no return line at all   unknown
// Lines of any other shape are ignored.

import type { Model, Operation } from './core.js';
import {
  casRegisterModel,
  jepsenKvModel,
  type KvInput,
  type KvOutput,
  type RegisterInput,
  type RegisterOutput,
} from './models.js';

export type CorpusFormat = 'etcd' | 'kv';

/** A parsed history: the model it is checked against and its operations split by key. */
export interface ParsedHistory<I = unknown, O = unknown> {
  format: CorpusFormat;
  model: Model<any, I, O>;
  partitions: Map<string, Operation<I, O>[]>;
}

const ETCD_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*?)\s*$/;

/** Parses a Jepsen etcd log into one partition ("register"). */
export function parseEtcdLog(text: string): ParsedHistory<RegisterInput, RegisterOutput> {
  const ops: Operation<RegisterInput, RegisterOutput>[] = [];
  const pending = new Map<number, Operation<RegisterInput, RegisterOutput>>();
  const drop = new Set<Operation<RegisterInput, RegisterOutput>>();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const m = ETCD_LINE.exec(lines[ln]!.replace(/\r$/, ''));
    if (!m) continue;
    const proc = Number(m[1]);
    const type = m[2]!;
    const f = m[3]! as RegisterInput['kind'];
    const arg = m[4]!;
    if (type === 'invoke') {
      let input: RegisterInput | undefined;
      if (f === 'read') input = { kind: 'read' };
      else if (f === 'write') {
        if (/^-?\d+$/.test(arg)) input = { kind: 'write', value: arg };
      } else {
        const c = /^\[\s*(-?\d+)\s+(-?\d+)\s*\]$/.exec(arg);
        if (c) input = { kind: 'cas', from: c[1]!, to: c[2]! };
      }
      if (!input) continue; // malformed invocation: ignore the line
      // A process with an op still pending never got its return: that op stays unknown.
      const op: Operation<RegisterInput, RegisterOutput> = { client: proc, input, output: undefined, call: ln, ret: null };
      pending.set(proc, op);
      ops.push(op);
      continue;
    }
    const op = pending.get(proc);
    if (!op || op.input.kind !== f) continue; // a return with no matching invocation: ignore
    pending.delete(proc);
    if (type === 'info' || arg === ':timed-out') continue; // unknown: ret stays null
    if (type === 'fail') {
      if (f === 'cas') {
        op.ret = ln;
        op.output = false;
      } else {
        drop.add(op); // definitely did not happen
      }
      continue;
    }
    // :ok
    op.ret = ln;
    if (f === 'read') op.output = arg === 'nil' ? null : arg;
    else if (f === 'cas') op.output = true;
  }
  return {
    format: 'etcd',
    model: casRegisterModel,
    partitions: new Map([['register', ops.filter((o) => !drop.has(o))]]),
  };
}

// ---- EDN (just enough for one flat map per line) ----------------------------------------------

type EdnValue = string | number | null | boolean | { keyword: string } | EdnValue[];

/** Parses `{:k v, ...}` with keyword keys and scalar or vector values; returns null if not that. */
export function parseEdnMap(line: string): Map<string, EdnValue> | null {
  let i = 0;
  const s = line;
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === ',' || s[i] === '\t' || s[i] === '\r')) i++;
  };
  const value = (): EdnValue | undefined => {
    ws();
    const c = s[i];
    if (c === undefined) return undefined;
    if (c === '"') {
      let out = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') {
          const e = s[i + 1];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
          i += 2;
        } else out += s[i++];
      }
      if (s[i] !== '"') return undefined;
      i++;
      return out;
    }
    if (c === '[') {
      i++;
      const arr: EdnValue[] = [];
      for (;;) {
        ws();
        if (s[i] === ']') {
          i++;
          return arr;
        }
        const v = value();
        if (v === undefined) return undefined;
        arr.push(v);
      }
    }
    const m = /^[^\s,\]}{[]+/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const tok = m[0];
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok.startsWith(':')) return { keyword: tok.slice(1) };
    if (/^-?\d+$/.test(tok)) return Number(tok);
    return undefined;
  };
  ws();
  if (s[i] !== '{') return null;
  i++;
  const map = new Map<string, EdnValue>();
  for (;;) {
    ws();
    if (s[i] === '}') {
      i++;
      break;
    }
    const k = value();
    if (k === undefined || k === null || typeof k !== 'object' || !('keyword' in k)) return null;
    const v = value();
    if (v === undefined) return null;
    map.set(k.keyword, v);
  }
  ws();
  return i === s.length ? map : null;
}

function kw(v: EdnValue | undefined): string | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v.keyword : undefined;
}

function str(v: EdnValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** Parses an EDN-map-per-line kv history (get/put/append; keys start as ""), split per key. */
export function parseKvEdn(text: string): ParsedHistory<KvInput, KvOutput> {
  const partitions = new Map<string, Operation<KvInput, KvOutput>[]>();
  const pending = new Map<number, Operation<KvInput, KvOutput> & { key: string; f: string }>();
  const drop = new Set<Operation<KvInput, KvOutput>>();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const m = parseEdnMap(lines[ln]!);
    if (!m) continue;
    const proc = m.get('process');
    const type = kw(m.get('type'));
    const f = kw(m.get('f'));
    if (typeof proc !== 'number' || !type || (f !== 'get' && f !== 'put' && f !== 'append')) continue;
    if (type === 'invoke') {
      const key = str(m.get('key'));
      if (key === undefined) continue;
      let input: KvInput;
      if (f === 'get') input = { kind: 'get' };
      else {
        const v = str(m.get('value'));
        if (v === undefined) continue;
        input = { kind: f, value: v };
      }
      const op = { client: proc, input, output: undefined, call: ln, ret: null, key, f };
      pending.set(proc, op);
      let list = partitions.get(key);
      if (!list) partitions.set(key, (list = []));
      list.push(op);
      continue;
    }
    const op = pending.get(proc);
    if (!op || op.f !== f) continue;
    pending.delete(proc);
    if (type === 'info') continue; // unknown
    if (type === 'fail') {
      if (kw(m.get('value')) !== 'timed-out' && kw(m.get('error')) !== 'timed-out') drop.add(op);
      continue;
    }
    if (type !== 'ok') continue;
    op.ret = ln;
    if (f === 'get') {
      const v = m.get('value');
      op.output = v === null ? null : (str(v) ?? null);
    }
  }
  const clean = new Map<string, Operation<KvInput, KvOutput>[]>();
  for (const [key, list] of partitions) {
    clean.set(
      key,
      list.filter((o) => !drop.has(o)).map(({ client, input, output, call, ret }) => ({ client, input, output, call, ret })),
    );
  }
  return { format: 'kv', model: jepsenKvModel, partitions: clean };
}

/** Decides the format by content; null if neither. */
export function detectFormat(text: string): CorpusFormat | null {
  for (const line of text.split('\n', 200)) {
    if (/^\s*\{.*:type\s+:/.test(line)) return 'kv';
    if (/jepsen\.util\s+-\s+\d+\s+:(invoke|ok|fail|info)\b/.test(line)) return 'etcd';
  }
  return null;
}

/** Parses either corpus format, detected by content. Throws if the format is not recognised. */
export function parseHistory(text: string): ParsedHistory {
  const format = detectFormat(text);
  if (format === 'etcd') return parseEtcdLog(text) as ParsedHistory;
  if (format === 'kv') return parseKvEdn(text) as ParsedHistory;
  throw new Error('unrecognised history format (expected a Jepsen etcd log or EDN maps, one per line)');
}
