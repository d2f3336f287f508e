// Every verdict in ../shared/linearizability-corpus/expected.tsv must come out right; an
// 'unknown' (time budget exhausted) counts as a failure. The corpus lives outside the repository:
// if it is missing the test fails under CI and is skipped (with the reason printed) otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkHistory, parseHistory } from '../../src/lincheck/index.js';

const corpus = path.resolve(process.cwd(), '../shared/linearizability-corpus');
const expectedFile = path.join(corpus, 'expected.tsv');
const present = existsSync(expectedFile);
const skip = present ? false : `linearizability corpus not found at ${corpus}`;
if (!present && !process.env.CI) console.log(`skipping corpus test: ${skip}`);

test('corpus is present', { skip: !present && !process.env.CI ? skip : false }, () => {
  assert.ok(present, `linearizability corpus not found at ${corpus} (required when CI is set)`);
});

const entries: [string, boolean][] = present
  ? readFileSync(expectedFile, 'utf8')
      .split('\n')
      .map((l) => l.trim().split('\t'))
      .filter((f) => f.length === 2 && (f[1] === 'true' || f[1] === 'false'))
      .map((f) => [f[0]!, f[1] === 'true'])
  : [];

test('expected.tsv lists every history in the corpus', { skip }, () => {
  const onDisk = ['etcd', 'kv'].flatMap((dir) => readdirSync(path.join(corpus, dir)).map((f) => `${dir}/${f}`));
  assert.deepEqual(entries.map((e) => e[0]).sort(), onDisk.sort());
  assert.ok(entries.length >= 100);
});

test('every corpus verdict is right', { skip }, async (t) => {
  for (const [file, linearizable] of entries) {
    await t.test(file, () => {
      const h = parseHistory(readFileSync(path.join(corpus, file), 'utf8'));
      const r = checkHistory(h, { timeoutMs: 30_000 });
      assert.notEqual(r.verdict, 'unknown', `${file}: time budget ran out`);
      assert.equal(r.verdict, linearizable ? 'linearizable' : 'not-linearizable', r.explanation);
      if (!linearizable) assert.ok(r.explanation && r.explanation.length > 0);
    });
  }
});
