// Parser and CLI tests: the two corpus formats, the lines to ignore, which outcomes are unknown
// (:info, :fail ... :timed-out, no return) and which are definite (:fail :cas), format detection,
// and the CLI's output line and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkHistory, detectFormat, parseEdnMap, parseEtcdLog, parseHistory, parseKvEdn } from '../../src/lincheck/index.js';

const ETCD = [
  'INFO  jepsen.util - 0\t:invoke\t:write\t1',
  'WARN  jepsen.core - something unrelated',
  'INFO  jepsen.util - 0\t:ok\t:write\t1',
  'INFO  jepsen.util - 1   :invoke :read   nil', // spaces instead of tabs
  'INFO  jepsen.util - 1   :ok     :read   1',
  'INFO  jepsen.util - 2\t:invoke\t:cas\t[1 2]',
  'INFO  jepsen.util - 2\t:fail\t:cas\t[1 2]', // definite: did not happen
  'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
  'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out', // unknown (a read: dropped)
  'INFO  jepsen.util - 4\t:invoke\t:write\t3',
  'INFO  jepsen.util - 4\t:info\t:write\t:timed-out', // unknown
  'INFO  jepsen.util - 5\t:invoke\t:cas\t[1 4]', // never returns: unknown
  '',
].join('\n');

test('etcd log: shapes, ignored lines, definite and unknown outcomes', () => {
  const h = parseEtcdLog(ETCD);
  assert.equal(h.format, 'etcd');
  const ops = h.partitions.get('register')!;
  assert.deepEqual(
    ops.map((o) => [o.client, o.input.kind, o.output, o.call, o.ret]),
    [
      [0, 'write', undefined, 0, 2],
      [1, 'read', '1', 3, 4],
      [2, 'cas', false, 5, 6],
      [3, 'read', undefined, 7, null],
      [4, 'write', undefined, 9, null],
      [5, 'cas', undefined, 11, null],
    ],
  );
  assert.deepEqual(ops[2]!.input, { kind: 'cas', from: '1', to: '2' });
  // The failed cas did not happen, so a cas that fails because the value is 1 is impossible.
  assert.equal(checkHistory(h).verdict, 'not-linearizable');
  // A cas that expected 7 fails definitely, which fits.
  const h2 = parseEtcdLog(ETCD.replaceAll('[1 2]', '[7 2]'));
  assert.equal(checkHistory(h2).verdict, 'linearizable');
  assert.equal(parseEtcdLog('INFO  jepsen.util - 0\t:ok\t:read\tnil\n').partitions.get('register')!.length, 0);
});

test('kv EDN: per-key split, escapes, ignored lines, :fail dropped, :info unknown', () => {
  const text = [
    '{:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1 y"}',
    '{:process 1, :type :invoke, :f :get, :key "4", :value nil}',
    'garbage that is not EDN',
    '{:process 0, :type :ok, :f :append, :key "4", :value "x 0 1 y"}',
    '{:process 1, :type :ok, :f :get, :key "4", :value "x 0 1 y"}',
    '{:process 2, :type :invoke, :f :put, :key "5", :value "a\\"b"}',
    '{:process 2, :type :info, :f :put, :key "5", :value "a\\"b"}',
    '{:process 3, :type :invoke, :f :put, :key "5", :value "zz"}',
    '{:process 3, :type :fail, :f :put, :key "5", :value "zz"}',
    '{:process 4, :type :invoke, :f :get, :key "5", :value nil}',
    '{:process 4, :type :ok, :f :get, :key "5", :value ""}',
  ].join('\n');
  const h = parseKvEdn(text);
  assert.equal(h.format, 'kv');
  assert.deepEqual([...h.partitions.keys()], ['4', '5']);
  assert.deepEqual(
    h.partitions.get('4')!.map((o) => [o.client, o.input, o.output, o.call, o.ret]),
    [
      [0, { kind: 'append', value: 'x 0 1 y' }, undefined, 0, 3],
      [1, { kind: 'get' }, 'x 0 1 y', 1, 4],
    ],
  );
  assert.deepEqual(
    h.partitions.get('5')!.map((o) => [o.client, o.input, o.output, o.ret]),
    [
      [2, { kind: 'put', value: 'a"b' }, undefined, null],
      [4, { kind: 'get' }, '', 10],
    ],
  );
  assert.equal(checkHistory(h).verdict, 'linearizable');
  assert.deepEqual(parseEdnMap('{:a 1, :b [1 2], :c nil, :d :kw, :e "s"}'), new Map<string, unknown>([['a', 1], ['b', [1, 2]], ['c', null], ['d', { keyword: 'kw' }], ['e', 's']]) as never);
  assert.equal(parseEdnMap('{:a 1'), null);
  assert.equal(parseEdnMap('not a map'), null);
});

test('format detection', () => {
  assert.equal(detectFormat(ETCD), 'etcd');
  assert.equal(detectFormat('\n{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n'), 'kv');
  assert.equal(detectFormat('hello\nworld\n'), null);
  assert.throws(() => parseHistory('hello'), /unrecognised history format/);
});

test('CLI: one line per file, verdicts, exit codes, --timeout-ms', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lincheck-'));
  try {
    const ok = path.join(dir, 'ok.log');
    const bad = path.join(dir, 'bad.txt');
    const junk = path.join(dir, 'junk.txt');
    writeFileSync(ok, 'INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t1\n');
    writeFileSync(bad, '{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :ok, :f :get, :key "1", :value "x"}\n');
    writeFileSync(junk, 'nothing to see\n');
    const cli = path.resolve(process.cwd(), 'dist/src/lincheck/cli.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

    const r1 = run(ok);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /^\S*ok\.log\s+linearizable\s+\d+ ms\n$/);

    const r2 = run('--timeout-ms', '5000', ok, bad);
    assert.equal(r2.status, 1);
    const lines = r2.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /bad\.txt\s+not-linearizable\s+\d+ ms$/);

    const r3 = run('--explain', bad);
    assert.match(r3.stdout, /could not place next/);

    const r4 = run(junk);
    assert.equal(r4.status, 2);
    assert.match(r4.stdout, /junk\.txt\s+error\s+unrecognised/);

    const hard = path.join(dir, 'hard.txt');
    const edn = (p: number, type: string, f: string, v: string) => `{:process ${p}, :type :${type}, :f :${f}, :key "k", :value ${v}}`;
    const hardLines: string[] = [];
    for (let i = 0; i < 14; i++) hardLines.push(edn(i, 'invoke', 'append', `"${String.fromCharCode(97 + i)}"`));
    for (let i = 0; i < 14; i++) hardLines.push(edn(i, 'ok', 'append', `"${String.fromCharCode(97 + i)}"`));
    hardLines.push(edn(99, 'invoke', 'get', 'nil'), edn(99, 'ok', 'get', '"impossible"'));
    writeFileSync(hard, hardLines.join('\n') + '\n');
    const r5 = run('--timeout-ms=100', hard);
    assert.equal(r5.status, 3);
    assert.match(r5.stdout, /hard\.txt\s+unknown\s+\d+ ms$/m);

    assert.equal(run().status, 2);
    assert.equal(run('--timeout-ms', 'x', ok).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
