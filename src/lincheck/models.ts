// Sequential specifications for the checker: the compare-and-set register of the etcd corpus, the
// get/put/append store of the Jepsen kv corpus (keys start as ""), and keyraft's own per-key model
// (keys start absent, with get/put/append/cas). Each model describes ONE key; histories over many
// keys are split per key first (keys are independent), which is what keeps the search small.
// Pure functions, no I/O: the semantics here are the definition of "correct" for every check.

import type { Model } from './core.js';

function show(v: string | null | undefined): string {
  return v === null || v === undefined ? 'nil' : JSON.stringify(v);
}

// ---- compare-and-set register (etcd corpus) --------------------------------------------------

export type RegisterInput =
  | { kind: 'read' }
  | { kind: 'write'; value: string }
  | { kind: 'cas'; from: string; to: string };
/** read: the value (null = nil); cas: whether it succeeded; write: undefined. */
export type RegisterOutput = string | null | boolean | undefined;

/** A single register, starting as nil. cas(from, to) sets `to` iff the value equals `from`. */
export const casRegisterModel: Model<string | null, RegisterInput, RegisterOutput> = {
  name: 'cas-register',
  init: () => null,
  step(state, input, output, known) {
    switch (input.kind) {
      case 'read':
        return !known || output === state ? state : undefined;
      case 'write':
        return input.value;
      case 'cas': {
        const matches = state === input.from;
        if (known && output !== matches) return undefined;
        return matches ? input.to : state;
      }
    }
  },
  stateKey: (s) => (s === null ? 'n' : 's' + s),
  inputKey: (input) => JSON.stringify(input),
  readOnly: (input) => input.kind === 'read',
  blind: (input) => input.kind === 'write',
  describeOp(input, output, known) {
    const res = known ? (input.kind === 'write' ? 'ok' : typeof output === 'boolean' ? String(output) : show(output as string | null)) : 'unknown outcome';
    switch (input.kind) {
      case 'read':
        return `read -> ${res}`;
      case 'write':
        return `write(${show(input.value)}) -> ${res}`;
      case 'cas':
        return `cas(${show(input.from)} -> ${show(input.to)}) -> ${res}`;
    }
  },
  describeState: (s) => `value ${show(s)}`,
};

// ---- key-value stores (one key at a time) ------------------------------------------------------

export type KvInput =
  | { kind: 'get' }
  | { kind: 'put'; value: string }
  | { kind: 'append'; value: string }
  | { kind: 'cas'; expected: string | null; value: string };
/** get: the value (null = absent); cas: whether it succeeded; put/append: undefined. */
export type KvOutput = string | null | boolean | undefined;

function kvModel(name: string, initial: string | null): Model<string | null, KvInput, KvOutput> {
  return {
    name,
    init: () => initial,
    step(state, input, output, known) {
      switch (input.kind) {
        case 'get':
          return !known || output === state ? state : undefined;
        case 'put':
          return input.value;
        case 'append':
          return (state ?? '') + input.value;
        case 'cas': {
          const matches = state === input.expected;
          if (known && output !== matches) return undefined;
          return matches ? input.value : state;
        }
      }
    },
    stateKey: (s) => (s === null ? 'n' : 's' + s),
    inputKey: (input) => JSON.stringify(input),
    readOnly: (input) => input.kind === 'get',
    blind: (input) => input.kind === 'put' || input.kind === 'append',
    describeOp(input, output, known) {
      const res = known
        ? input.kind === 'put' || input.kind === 'append'
          ? 'ok'
          : typeof output === 'boolean'
            ? String(output)
            : show(output as string | null)
        : 'unknown outcome';
      switch (input.kind) {
        case 'get':
          return `get -> ${res}`;
        case 'put':
          return `put(${show(input.value)}) -> ${res}`;
        case 'append':
          return `append(${show(input.value)}) -> ${res}`;
        case 'cas':
          return `cas(${show(input.expected)} -> ${show(input.value)}) -> ${res}`;
      }
    },
    describeState: (s) => (s === null ? 'absent' : `value ${show(s)}`),
  };
}

/** Jepsen/Porcupine kv corpus: every key starts as the empty string. */
export const jepsenKvModel = kvModel('jepsen-kv', '');

/** keyraft: keys start absent (get -> null); append to an absent key appends to "". */
export const keyraftKvModel = kvModel('keyraft-kv', null);
