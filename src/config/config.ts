// The running configuration: loaded from defaults, a redis.conf-style file, KEYRAFT_* environment
// variables and --flags (later sources win, in that order), then read and changed through
// CONFIG GET/SET/REWRITE. Values are kept as canonical text (what CONFIG GET shows); typed
// getters parse on read, which is cheap and keeps one source of truth.

import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { DIRECTIVES, findDirective, normalizeValue, type Directive } from './directives.js';
import { splitInlineArgs } from '../protocol/parser.js';
import { globMatch } from '../util/glob.js';

export class ConfigError extends Error {}

export type ConfigListener = (name: string, value: string) => void;

export class Config {
  private values = new Map<string, string>();
  private given = new Map<string, string>();
  private listeners: ConfigListener[] = [];
  private vetoes: ((name: string, value: string) => string | null)[] = [];
  /** The config file this configuration was loaded from, for CONFIG REWRITE. */
  file: string | null = null;

  constructor() {
    for (const d of DIRECTIVES) this.values.set(d.name, d.default);
  }

  /** Applies one directive; throws ConfigError naming it when unknown or malformed. */
  apply(name: string, args: string[], source: string): void {
    const d = findDirective(name);
    if (!d) throw new ConfigError(`${source}: unknown directive '${name}'`);
    const raw = args.join(' ');
    const r = normalizeValue(d, raw, this.values.get(d.name));
    if ('error' in r) throw new ConfigError(`${source}: bad value for '${name}' ('${raw}'): ${r.error}`);
    this.values.set(d.name, r.value);
    this.given.set(d.name, raw);
  }

  /**
   * The value as it was given, before normalizing for display. Redis shows some values in a
   * form that loses information (notify-keyspace-events "KEAn" reads back as "AKE" while 'n'
   * stays in force); whoever applies the setting reads this.
   */
  getAsGiven(name: string): string {
    return this.given.get(name) ?? this.get(name);
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`no such directive: ${name}`);
    return v;
  }

  int(name: string): number {
    return Number(this.get(name));
  }

  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  onChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /**
   * A check CONFIG SET runs on a valid value before applying anything: the server refuses
   * changes its current state cannot honour (returns why, or null to allow).
   */
  addVeto(veto: (name: string, value: string) => string | null): void {
    this.vetoes.push(veto);
  }

  /**
   * CONFIG SET: validates every pair first, then applies all or nothing. `allowProtected` says
   * whether protected directives may change (enable-protected-configs, judged by the caller,
   * which knows where the client connects from).
   */
  setMany(pairs: [string, string][], allowProtected = false): { error: string } | null {
    const staged: [Directive, string, string][] = [];
    const seen = new Set<string>();
    for (const [name, raw] of pairs) {
      const d = findDirective(name);
      if (!d) return { error: `ERR Unknown option or number of arguments for CONFIG SET - '${name}'` };
      if (seen.has(d.name)) return { error: `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter` };
      seen.add(d.name);
      if (!d.mutable) return { error: `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config` };
      if (d.protected && !allowProtected) return { error: `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set protected config` };
      const r = normalizeValue(d, raw, this.values.get(d.name));
      if ('error' in r) return { error: `ERR CONFIG SET failed (possibly related to argument '${name}') - ${r.error}` };
      for (const veto of this.vetoes) {
        const why = veto(d.name, r.value);
        if (why !== null) return { error: `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}` };
      }
      staged.push([d, r.value, raw]);
    }
    for (const [d, v, raw] of staged) {
      this.values.set(d.name, v);
      this.given.set(d.name, raw);
      for (const l of this.listeners) l(d.name, v);
    }
    return null;
  }

  /** CONFIG GET: name/value pairs for every directive (or alias) matching any pattern. */
  match(patterns: string[]): [string, string][] {
    // Keyed by lower-case name; the value keeps the name as shown: a pattern without glob
    // characters is answered under the spelling the client used, as Redis 7.0 does.
    const out = new Map<string, [string, string]>();
    for (const pattern of patterns) {
      if (!/[*?[\\]/.test(pattern)) {
        const d = findDirective(pattern);
        const key = pattern.toLowerCase();
        if (d && !out.has(key)) out.set(key, [pattern, this.get(d.name)]);
        continue;
      }
      for (const d of DIRECTIVES) {
        for (const name of [d.name, ...(d.aliases ?? [])]) {
          if (!out.has(name) && globMatch(pattern, name, true)) out.set(name, [name, this.get(d.name)]);
        }
      }
    }
    return [...out.values()];
  }

  /**
   * The file text CONFIG REWRITE writes, as Redis's rewriteConfig does: the original file's
   * comments, blank lines and order are kept; each directive it sets is rewritten in place with
   * the current value (repeated lines, such as several `save` lines, collapse into the first);
   * directives it does not mention are appended after a marker, but only when they differ from
   * their defaults.
   */
  render(original = ''): string {
    const out: string[] = [];
    const written = new Set<string>();
    const lines = original === '' ? [] : original.split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const marker = '# Generated by CONFIG REWRITE';
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed === marker) continue;
      if (trimmed === '' || trimmed.startsWith('#')) {
        out.push(line);
        continue;
      }
      const args = splitInlineArgs(trimmed);
      const d = args && args.length > 0 ? findDirective(args[0]!) : undefined;
      if (!d) {
        out.push(line);
        continue;
      }
      if (written.has(d.name)) continue;
      written.add(d.name);
      out.push(configLine(d, this.get(d.name)));
    }
    const extra: string[] = [];
    for (const d of DIRECTIVES) {
      if (written.has(d.name)) continue;
      const v = this.get(d.name);
      if (v !== d.default) extra.push(configLine(d, v));
    }
    if (extra.length > 0) {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      out.push(marker, ...extra);
    }
    return out.join('\n') + '\n';
  }

  /** CONFIG REWRITE: rewrites the file atomically (temp file, then rename). */
  rewrite(): void {
    if (!this.file) throw new ConfigError('The server is running without a config file');
    let original = '';
    try {
      original = readFileSync(this.file, 'latin1');
    } catch (e) {
      // A file removed since start is recreated; other errors are reported.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, this.render(original), 'latin1');
    renameSync(tmp, this.file);
  }
}

/** One config file line; list-valued directives (bind, save, buffer limits) as separate words. */
function configLine(d: Directive, v: string): string {
  if ((d.type === 'bind' || d.type === 'save' || d.type === 'cobl') && v !== '') return `${d.name} ${v.split(' ').map(quote).join(' ')}`;
  return `${d.name} ${quote(v)}`;
}

function quote(v: string): string {
  if (v === '') return '""';
  if (/^[^\s"'\\]+$/.test(v) || /^[\d ]+$/.test(v)) return /\s/.test(v) ? `"${v}"` : v;
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Parses redis.conf text into (directive, args) pairs; `save` lines accumulate as Redis does. */
export function parseConfigText(text: string, source: string): [string, string[], string][] {
  const out: [string, string[], string][] = [];
  const saves: string[] = [];
  let saveLine = '';
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = `${source}:${i + 1}`;
    const args = splitInlineArgs(trimmed);
    if (args === null || args.length === 0) throw new ConfigError(`${where}: unbalanced quotes in configuration line`);
    const name = args[0]!.toLowerCase();
    if (name === 'save') {
      saves.push(...args.slice(1).filter((a) => a !== ''));
      saveLine = where;
      return;
    }
    out.push([name, args.slice(1), where]);
  });
  if (saveLine) out.push(['save', [saves.join(' ')], saveLine]);
  return out;
}

/** Parses `--name value...` flags after an optional config file path. */
export function parseArgs(argv: string[]): { file: string | null; flags: [string, string[], string][] } {
  let file: string | null = null;
  let i = 0;
  if (argv.length > 0 && !argv[0]!.startsWith('--')) {
    file = argv[0]!;
    i = 1;
  }
  const flags: [string, string[], string][] = [];
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new ConfigError(`command line: unexpected argument '${a}' (directives are given as --name value)`);
    const name = a.slice(2).toLowerCase();
    const args: string[] = [];
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) args.push(argv[++i]!);
    flags.push([name, args, `command line --${name}`]);
  }
  return { file, flags };
}

/** KEYRAFT_<DIRECTIVE> environment variables (dashes become underscores). */
export function envDirectives(env: NodeJS.ProcessEnv): [string, string[], string][] {
  const out: [string, string[], string][] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('KEYRAFT_') || value === undefined) continue;
    const name = key.slice('KEYRAFT_'.length).toLowerCase().replace(/_/g, '-');
    out.push([name, [value], `environment ${key}`]);
  }
  return out;
}

/** Builds the configuration from defaults, file, environment and flags, in that order. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const config = new Config();
  const { file, flags } = parseArgs(argv);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      throw new ConfigError(`cannot read config file '${file}': ${(e as Error).message}`);
    }
    for (const [name, args, where] of parseConfigText(text, file)) config.apply(name, args, where);
    // Absolute, as Redis keeps it: INFO shows it and CONFIG REWRITE must find it again.
    config.file = resolvePath(file);
  }
  for (const [name, args, where] of envDirectives(env)) config.apply(name, args, where);
  for (const [name, args, where] of flags) config.apply(name, args, where);
  return config;
}
