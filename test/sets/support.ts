// Reply normalisation for the sets and hashes tests. Some replies legitimately differ between
// keyraft and Redis: a hashtable's iteration order (Redis's is seeded per process), and which
// members a random command picks. The normaliser works on the raw reply bytes and keeps every
// type byte (so RESP3 set vs array vs map still has to match) while:
// - sorting the elements of unordered whole-collection replies (SMEMBERS, SINTER, SUNION, SDIFF,
//   the member list of SSCAN; HKEYS, HVALS, HGETALL/HSCAN by field/value pair) — except, with
//   `exactIntsets`, replies that are all integers and at most 512 long (intsets, which Redis
//   orders numerically and keyraft must too);
// - reducing random picks (SPOP, SRANDMEMBER, HRANDFIELD) to their shape: type and length.

export interface Node {
  type: string;
  line: string;
  body?: string;
  items?: Node[];
}

/** Parses one raw reply into nodes that remember their type byte. */
export function parseNode(raw: string, pos = 0): { node: Node; end: number } {
  const nl = raw.indexOf('\r\n', pos);
  const type = raw[pos]!;
  const line = raw.slice(pos + 1, nl);
  let p = nl + 2;
  if (type === '$' || type === '=' || type === '!') {
    const n = Number(line);
    if (n < 0) return { node: { type, line }, end: p };
    return { node: { type, line, body: raw.slice(p, p + n) }, end: p + n + 2 };
  }
  if (type === '*' || type === '~' || type === '%' || type === '>') {
    const n = Number(line);
    if (n < 0) return { node: { type, line }, end: p };
    const items: Node[] = [];
    for (let i = 0; i < (type === '%' ? 2 * n : n); i++) {
      const r = parseNode(raw, p);
      items.push(r.node);
      p = r.end;
    }
    return { node: { type, line, items }, end: p };
  }
  return { node: { type, line }, end: p };
}

export function encodeNode(n: Node): string {
  let s = `${n.type}${n.line}\r\n`;
  if (n.body !== undefined) s += `${n.body}\r\n`;
  if (n.items) for (const i of n.items) s += encodeNode(i);
  return s;
}

const INT = /^(0|-?[1-9][0-9]{0,18})$/;

function isIntsetLike(items: Node[]): boolean {
  return items.length <= 512 && items.every((i) => i.body !== undefined && INT.test(i.body));
}

function sortItems(n: Node, exactIntsets: boolean, pairs = false): Node {
  if (!n.items) return n;
  if (exactIntsets && !pairs && isIntsetLike(n.items)) return n;
  if (!pairs) return { ...n, items: [...n.items].sort((a, b) => cmp(encodeNode(a), encodeNode(b))) };
  const chunks: Node[][] = [];
  for (let i = 0; i < n.items.length; i += 2) chunks.push([n.items[i]!, n.items[i + 1]!]);
  chunks.sort((a, b) => cmp(encodeNode(a[0]!) + encodeNode(a[1]!), encodeNode(b[0]!) + encodeNode(b[1]!)));
  return { ...n, items: chunks.flat() };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shape(n: Node): string {
  if (n.items) return `${n.type}${n.items.length}<random>`;
  if (n.body !== undefined) return `${n.type}<random>`;
  return encodeNode(n);
}

export function makeNormalizer(opts: { exactIntsets?: boolean; exactHashOrder?: boolean } = {}): (argv: string[], raw: string) => string {
  const exactIntsets = opts.exactIntsets ?? false;
  return (argv, raw) => {
    if (raw.startsWith('-')) return raw;
    const name = argv[0]!.toLowerCase();
    const node = parseNode(raw).node;
    switch (name) {
      case 'smembers':
      case 'sinter':
      case 'sunion':
      case 'sdiff':
        return encodeNode(sortItems(node, exactIntsets));
      case 'sscan':
        if (!node.items || node.items.length !== 2) return raw;
        return encodeNode({ ...node, items: [node.items[0]!, sortItems(node.items[1]!, exactIntsets)] });
      case 'hkeys':
      case 'hvals':
        return opts.exactHashOrder ? raw : encodeNode(sortItems(node, false));
      case 'hgetall':
        return opts.exactHashOrder ? raw : encodeNode(sortItems(node, false, true));
      case 'hscan':
        if (opts.exactHashOrder || !node.items || node.items.length !== 2) return raw;
        return encodeNode({ ...node, items: [node.items[0]!, sortItems(node.items[1]!, false, true)] });
      case 'hello':
        return '<hello>'; // carries the connection id
      case 'spop':
      case 'srandmember':
      case 'hrandfield':
        return shape(node);
      default:
        return raw;
    }
  };
}

/** Sets: unordered replies sorted, random ones reduced to their shape. */
export const normalizeSetReply = makeNormalizer();
/** Like normalizeSetReply, but integer-only replies (intsets) must match in order. */
export const normalizeIntsetExact = makeNormalizer({ exactIntsets: true });
