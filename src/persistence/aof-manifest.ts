// The AOF manifest (Redis 7 multi-part AOF): a small text file inside `appenddirname` that lists,
// in load order, the files making up the append-only file — at most one BASE (a snapshot-format
// file) followed by INCR files (append-only records). It is the single point of truth for which
// files are live: it is only ever replaced atomically (temp file, fsync, rename, directory fsync),
// so a crash leaves either the old list (whose files are all intact) or the new one.
//
//   file <name> seq <n> type b|i        one line per file, base first, then increments in order
//
// Names are plain names inside the directory (never paths). This module owns the format, the
// naming of new files and the atomic write; the rewrite that uses it is not built yet.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A manifest larger than this is refused as damaged (it lists a handful of names). */
export const MANIFEST_BYTES_MAX = 1 << 20;

export interface ManifestFile {
  name: string;
  seq: number;
  type: 'b' | 'i';
}

export interface Manifest {
  base: ManifestFile | null;
  incrs: ManifestFile[];
}

export class ManifestError extends Error {}

export function manifestName(appendfilename: string): string {
  return `${appendfilename}.manifest`;
}

export function baseFileName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.base.krdb`;
}

export function incrFileName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

/** The highest sequence number a manifest uses (new files take the next one). */
export function maxSeq(m: Manifest): number {
  let s = m.base?.seq ?? 0;
  for (const f of m.incrs) s = Math.max(s, f.seq);
  return s;
}

export function formatManifest(m: Manifest): string {
  const lines: string[] = [];
  for (const f of m.base !== null ? [m.base, ...m.incrs] : m.incrs) lines.push(`file ${f.name} seq ${f.seq} type ${f.type}\n`);
  return lines.join('');
}

function checkName(name: string): void {
  if (name === '' || name.includes('/') || name === '.' || name === '..' || /\s/.test(name)) throw new ManifestError(`invalid file name in the AOF manifest: '${name}'`);
}

export function parseManifest(text: string): Manifest {
  const m: Manifest = { base: null, incrs: [] };
  if (!text.endsWith('\n') && text !== '') throw new ManifestError('the AOF manifest does not end with a newline (damaged)');
  const lines = text.split('\n');
  lines.pop();
  if (lines.length === 0) throw new ManifestError('the AOF manifest is empty');
  for (const [i, line] of lines.entries()) {
    const w = line.split(' ');
    if (w.length !== 6 || w[0] !== 'file' || w[2] !== 'seq' || w[4] !== 'type' || !/^[1-9][0-9]{0,14}$|^0$/.test(w[3]!)) {
      throw new ManifestError(`invalid AOF manifest line ${i + 1}: '${line.slice(0, 200)}'`);
    }
    const f: ManifestFile = { name: w[1]!, seq: Number(w[3]), type: w[5] as 'b' | 'i' };
    checkName(f.name);
    if (f.type === 'b') {
      if (m.base !== null || m.incrs.length > 0) throw new ManifestError(`AOF manifest line ${i + 1}: a base must be the first and only base`);
      m.base = f;
    } else if (f.type === 'i') {
      m.incrs.push(f);
    } else throw new ManifestError(`AOF manifest line ${i + 1}: unknown file type '${w[5]}'`);
  }
  const names = new Set<string>();
  for (const f of m.base !== null ? [m.base, ...m.incrs] : m.incrs) {
    if (names.has(f.name)) throw new ManifestError(`the AOF manifest lists '${f.name}' twice`);
    names.add(f.name);
  }
  return m;
}

/** Reads `<dir>/<appendfilename>.manifest`, or null when there is none (single-file layout). */
export function readManifest(dir: string, appendfilename: string): Manifest | null {
  const path = join(dir, manifestName(appendfilename));
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  if (buf.length > MANIFEST_BYTES_MAX) throw new ManifestError(`the AOF manifest ${path} is ${buf.length} bytes: damaged`);
  return parseManifest(buf.toString('latin1'));
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the manifest atomically and durably: temp file, fsync, rename, directory fsync. */
export function writeManifest(dir: string, appendfilename: string, m: Manifest): void {
  const final = join(dir, manifestName(appendfilename));
  const tmp = join(dir, `temp-${manifestName(appendfilename)}`);
  const data = Buffer.from(formatManifest(m), 'latin1');
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  try {
    fsyncPath(dir);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  }
}
