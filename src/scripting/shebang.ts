// The `#!` first lines of scripts and libraries, with Redis's error texts:
// - EVAL: `#!lua [flags=no-writes,allow-oom,…]` (optional; a script without one runs in Redis's
//   compatibility mode, allowed to write)
// - FUNCTION LOAD: `#!<engine> name=<library>` (required)

/** The flags a script or function may declare (Redis 7.0). */
export const SCRIPT_FLAGS: ReadonlySet<string> = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export interface EvalShebang {
  /** null when the script has no shebang (compatibility mode). */
  flags: string[] | null;
}

function firstLine(code: Buffer): string {
  const nl = code.indexOf(10);
  return code.toString('latin1', 0, nl < 0 ? code.length : nl);
}

/** Parses an EVAL script's shebang; returns the flags or Redis's error text. */
export function parseEvalShebang(code: Buffer): EvalShebang | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return { flags: null };
  const parts = firstLine(code).split(' ').filter((p) => p.length > 0);
  if (parts[0] !== '#!lua') return `ERR Unexpected engine in script shebang: ${parts[0] ?? ''}`;
  const flags: string[] = [];
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `ERR Unknown lua shebang option: ${part}`;
    for (const flag of part.slice('flags='.length).split(',')) {
      if (flag === '') continue;
      if (!SCRIPT_FLAGS.has(flag)) return `ERR Unexpected flag in script shebang: ${flag}`;
      flags.push(flag);
    }
  }
  return { flags };
}

export interface LibraryShebang {
  engine: string;
  name: string;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;

/** Whether a library or function name is acceptable (letters, digits, underscores). */
export function validName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Parses a library's `#!<engine> name=<lib>` line; returns it or Redis's error text. */
export function parseLibraryShebang(code: Buffer): LibraryShebang | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return 'ERR Missing library metadata';
  const parts = firstLine(code).split(' ').filter((p) => p.length > 0);
  const engine = parts[0]!.slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.startsWith('name=')) name = part.slice('name='.length);
    else return `ERR Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'ERR Library name was not given';
  if (!validName(name)) return 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
  return { engine, name };
}

/** The code with its first line blanked (its newline kept, so line numbers do not move). */
export function withoutFirstLine(code: Buffer): Buffer {
  const nl = code.indexOf(10);
  return nl < 0 ? Buffer.alloc(0) : code.subarray(nl);
}
