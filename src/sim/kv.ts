// The small key-value state machine replicated in the simulator, and the encoding of its
// commands as log entries. apply() is deterministic; its results are what clients observe.

export type KvKind = 'get' | 'put' | 'append' | 'cas';

export interface KvCommand {
  client: number;
  seq: number;
  kind: Exclude<KvKind, 'get'>;
  key: string;
  value: string;
  expected?: string | null;
}

const te = new TextEncoder();
const td = new TextDecoder();

export function encodeCommand(c: KvCommand): Uint8Array {
  return te.encode(JSON.stringify(c));
}

export function decodeCommand(b: Uint8Array): KvCommand | null {
  if (b.length === 0) return null;
  const s = td.decode(b);
  if (s.charCodeAt(0) !== 123 /* { */) return null; // probes and other non-client entries
  return JSON.parse(s) as KvCommand;
}

export class KvStore {
  readonly map = new Map<string, string>();

  apply(c: KvCommand): boolean | undefined {
    switch (c.kind) {
      case 'put':
        this.map.set(c.key, c.value);
        return undefined;
      case 'append':
        this.map.set(c.key, (this.map.get(c.key) ?? '') + c.value);
        return undefined;
      case 'cas': {
        const cur = this.map.get(c.key) ?? null;
        if (cur !== (c.expected ?? null)) return false;
        this.map.set(c.key, c.value);
        return true;
      }
    }
  }

  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }

  snapshot(): Uint8Array {
    return te.encode(JSON.stringify([...this.map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))));
  }

  static restore(data: Uint8Array): KvStore {
    const kv = new KvStore();
    if (data.length > 0) for (const [k, v] of JSON.parse(td.decode(data)) as [string, string][]) kv.map.set(k, v);
    return kv;
  }

  digest(): string {
    return td.decode(this.snapshot());
  }
}
