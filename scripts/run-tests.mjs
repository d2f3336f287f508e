// Runs every compiled test file (dist/test/**/*.test.js) with Node's built-in test runner.
// Node 20's `--test` does not expand globs, so the file list is gathered here.
// Pass a substring to run only matching files: `npm test -- parser`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('dist/test', []).sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Bounds: no single test may run past TEST_TIMEOUT_MS (a hung test fails instead of stalling CI),
// and the whole run is stopped after RUN_TIMEOUT_MS.
const TEST_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 25 * 60_000;
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], {
  stdio: 'inherit',
  timeout: RUN_TIMEOUT_MS,
  killSignal: 'SIGKILL',
});
if (result.error) console.error(`test run stopped: ${result.error.message}`);
process.exit(result.status ?? 1);
