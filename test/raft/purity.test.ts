import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

test('src/raft has no I/O, clock, timers or randomness of its own', () => {
  const dir = 'src/raft';
  const banned = [/from ['"]node:/, /\brequire\(/, /Date\.now|new Date\(/, /Math\.random/, /setTimeout|setInterval|setImmediate/, /\bperformance\./, /\bprocess\./];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(`${dir}/${f}`, 'utf8');
    for (const re of banned) assert.ok(!re.test(src), `${f} matches ${re}`);
    assert.ok(src.startsWith('//'), `${f} starts with a comment saying what it owns`);
  }
});
