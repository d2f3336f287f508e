#!/usr/bin/env node
// keyraft-check-aof: verifies an append-only file record by record and, with --fix, truncates
// it at the first bad record (keeping the valid prefix), as redis-check-aof does. It never asks
// for confirmation on stdin (it runs in CI and scripts): --fix is the confirmation, and what it
// removes is reported before it does.
//
//   keyraft-check-aof [--fix] <file>
// Exit status: 0 when the file is valid (or was fixed), 1 when it is damaged and not fixed,
// 2 on usage errors or a file that is not a keyraft AOF.

import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { AofFormatError, scanAof } from '../persistence/aof-format.js';

function main(argv: string[]): number {
  const fix = argv.includes('--fix');
  const files = argv.filter((a) => a !== '--fix');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    console.error('Usage: keyraft-check-aof [--fix] <file.aof>');
    return 2;
  }
  const path = files[0]!;
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

process.exitCode = main(process.argv.slice(2));
