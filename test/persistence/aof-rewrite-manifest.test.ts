// The AOF manifest module (src/persistence/aof-manifest.ts): format round trip, strict parsing of
// damaged manifests, and the atomic replace. The rewrite that uses it is not built yet.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseFileName, formatManifest, incrFileName, maxSeq, parseManifest, readManifest, writeManifest, ManifestError, type Manifest } from '../../src/persistence/aof-manifest.js';

const m: Manifest = {
  base: { name: baseFileName('appendonly.aof', 3), seq: 3, type: 'b' },
  incrs: [
    { name: incrFileName('appendonly.aof', 4), seq: 4, type: 'i' },
    { name: incrFileName('appendonly.aof', 5), seq: 5, type: 'i' },
  ],
};

test('manifest formats and parses back, base first', () => {
  const text = formatManifest(m);
  assert.equal(text, 'file appendonly.aof.3.base.krdb seq 3 type b\nfile appendonly.aof.4.incr.aof seq 4 type i\nfile appendonly.aof.5.incr.aof seq 5 type i\n');
  assert.deepEqual(parseManifest(text), m);
  assert.equal(maxSeq(m), 5);
});

test('damaged manifests are refused', () => {
  const text = formatManifest(m);
  assert.throws(() => parseManifest(text.slice(0, -3)), ManifestError); // torn
  assert.throws(() => parseManifest(''), ManifestError);
  assert.throws(() => parseManifest('file a seq 1 type i\nfile ../x seq 2 type i\n'), ManifestError);
  assert.throws(() => parseManifest('file a seq 1 type i\nfile b seq 2 type b\n'), ManifestError); // base after incr
  assert.throws(() => parseManifest('file a seq 1 type i\nfile a seq 2 type i\n'), ManifestError);
  assert.throws(() => parseManifest('file a seq x type i\n'), ManifestError);
});

test('writeManifest replaces atomically and leaves no temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyraft-manifest-'));
  try {
    assert.equal(readManifest(dir, 'appendonly.aof'), null);
    writeManifest(dir, 'appendonly.aof', { base: null, incrs: [{ name: 'appendonly.aof', seq: 0, type: 'i' }] });
    writeManifest(dir, 'appendonly.aof', m);
    assert.deepEqual(readManifest(dir, 'appendonly.aof'), m);
    assert.deepEqual(readdirSync(dir), ['appendonly.aof.manifest']);
    assert.equal(readFileSync(join(dir, 'appendonly.aof.manifest'), 'latin1'), formatManifest(m));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
