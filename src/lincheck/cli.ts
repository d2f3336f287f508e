#!/usr/bin/env node
// keyraft-lincheck: checks history files (Jepsen etcd logs or EDN kv histories, detected by
// content) and prints one line per file: the file, the verdict and the time taken. Owns argument
// parsing, file reading and exit codes; the checking is done by the library in this directory.
//
//   keyraft-lincheck [--timeout-ms N] [--explain] FILE...
//
// Exit status: 1 if any file is not linearizable; otherwise 3 if any verdict is unknown (the time
// budget ran out); 2 for usage or read/parse errors; 0 if every file is linearizable.

import { readFileSync } from 'node:fs';
import { checkHistory, parseHistory } from './index.js';

const USAGE = 'usage: keyraft-lincheck [--timeout-ms N] [--explain] FILE...';

function main(argv: string[]): number {
  let timeoutMs = 60_000;
  let explainFlag = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--timeout-ms' || a.startsWith('--timeout-ms=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n) || n <= 0) {
        console.error(`--timeout-ms needs a positive number\n${USAGE}`);
        return 2;
      }
      timeoutMs = n;
    } else if (a === '--explain' || a === '-v') explainFlag = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else if (a.startsWith('-') && a !== '-') {
      console.error(`unknown option ${a}\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    console.error(USAGE);
    return 2;
  }
  let status = 0;
  const width = Math.max(...files.map((f) => f.length));
  for (const file of files) {
    let history;
    try {
      history = parseHistory(readFileSync(file === '-' ? 0 : file, 'utf8'));
    } catch (e) {
      console.log(`${file.padEnd(width)}  error  ${(e as Error).message}`);
      status = status === 1 ? 1 : 2;
      continue;
    }
    const r = checkHistory(history, { timeoutMs });
    console.log(`${file.padEnd(width)}  ${r.verdict.padEnd(16)}  ${r.elapsedMs.toFixed(0).padStart(6)} ms`);
    if (explainFlag && r.explanation) console.log(r.explanation.replace(/^/gm, '    '));
    if (r.verdict === 'not-linearizable') status = 1;
    else if (r.verdict === 'unknown' && status === 0) status = 3;
  }
  return status;
}

process.exitCode = main(process.argv.slice(2));
