#!/usr/bin/env node
// keyraft-check-aof: verifies an append-only file record by record and, with --fix, truncates
// it at the first bad record (keeping the valid prefix), as redis-check-aof does. Given the AOF
// directory (or its manifest), it checks every file the manifest lists: the BASE (a snapshot)
// through the snapshot decoder, each INCR record by record; only the last INCR may be fixed (a
// torn tail anywhere else is damage no crash leaves). It never asks for confirmation on stdin
// (it runs in CI and scripts): --fix is the confirmation, and what it removes is reported before
// it does.
//
//   keyraft-check-aof [--fix] <file | appendonlydir | manifest>
// Exit status: 0 when everything is valid (or was fixed), 1 when something is damaged and not
// fixed, 2 on usage errors or a file that is not a keyraft AOF.

import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AofFormatError, scanAof } from '../persistence/aof-format.js';
import { MANIFEST_BYTES_MAX, ManifestError, parseManifest } from '../persistence/aof-manifest.js';
import { SnapshotDecoder } from '../persistence/snapshot-format.js';

/** Checks one INCR (or single-file) AOF; `fix` truncates it at its first bad record. */
function checkIncr(path: string, fix: boolean): number {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    console.error(`Cannot read ${path}: ${(e as Error).message}`);
    return 2;
  }
  let scan;
  try {
    scan = scanAof(buf);
  } catch (e) {
    if (e instanceof AofFormatError) {
      console.error(`${path}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  console.log(`${path}: ${buf.length} bytes, ${scan.records} valid records, valid up to offset ${scan.validBytes}`);
  const p = scan.problem;
  if (p === null) {
    console.log('AOF is valid');
    return 0;
  }
  const lost = buf.length - p.offset;
  if (p.kind === 'truncated') console.log(`AOF has a torn tail at offset ${p.offset}: ${p.reason}; ${lost} bytes after it`);
  else console.log(`AOF is corrupt at offset ${p.offset}: ${p.reason}; valid records follow at offset ${p.nextValidOffset}`);
  if (!fix) {
    console.log(`AOF is not valid. Use the --fix option to truncate it at offset ${p.offset} (${lost} bytes would be discarded)`);
    return 1;
  }
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, p.offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  console.log(`Successfully truncated AOF ${path} to ${p.offset} bytes: ${lost} bytes discarded, ${scan.records} records kept`);
  return 0;
}

function checkBase(path: string): number {
  let dec: SnapshotDecoder | null = null;
  try {
    dec = new SnapshotDecoder(path);
    while (dec.next() !== null);
    console.log(`${path}: BASE snapshot, ${dec.keys} keys, valid`);
    return 0;
  } catch (e) {
    console.log(`${path}: BASE snapshot is damaged: ${(e as Error).message}`);
    return 1;
  } finally {
    dec?.close();
  }
}

/** Checks every file a manifest lists; only the last INCR may be fixed. */
function checkManifest(manifestPath: string, fix: boolean): number {
  const dir = dirname(manifestPath);
  let m;
  try {
    const buf = readFileSync(manifestPath);
    if (buf.length > MANIFEST_BYTES_MAX) throw new ManifestError(`${buf.length} bytes: damaged`);
    m = parseManifest(buf.toString('latin1'));
  } catch (e) {
    console.log(`${manifestPath}: bad AOF manifest: ${(e as Error).message}`);
    return 1;
  }
  console.log(`${manifestPath}: ${m.base !== null ? 1 : 0} BASE and ${m.incrs.length} INCR files`);
  let status = m.base !== null ? checkBase(join(dir, m.base.name)) : 0;
  m.incrs.forEach((f, i) => {
    const last = i === m.incrs.length - 1;
    const s = checkIncr(join(dir, f.name), fix && last);
    if (s !== 0 && !last) console.log(`${f.name} is not the last file of the manifest: only the last one can be fixed by truncation`);
    status = Math.max(status, s === 2 ? 1 : s);
  });
  console.log(status === 0 ? 'Multi-part AOF is valid' : 'Multi-part AOF is not valid');
  return status;
}

function main(argv: string[]): number {
  const fix = argv.includes('--fix');
  const files = argv.filter((a) => a !== '--fix');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    console.error('Usage: keyraft-check-aof [--fix] <file.aof | appendonlydir | manifest>');
    return 2;
  }
  const path = files[0]!;
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    console.error(`Cannot read ${path}: ${(e as Error).message}`);
    return 2;
  }
  if (isDir) {
    const manifests = readdirSync(path).filter((n) => n.endsWith('.manifest') && !n.startsWith('temp-'));
    if (manifests.length !== 1) {
      console.error(`${path} holds ${manifests.length} AOF manifests (${manifests.join(', ')}): pass the manifest itself`);
      return 2;
    }
    return checkManifest(join(path, manifests[0]!), fix);
  }
  if (basename(path).endsWith('.manifest')) return checkManifest(path, fix);
  return checkIncr(path, fix);
}

process.exitCode = main(process.argv.slice(2));
