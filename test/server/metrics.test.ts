// The metrics endpoint: Prometheus text on GET /metrics when metrics-port is set, counters that
// move with the commands clients run, 404 elsewhere.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, freePort, type ServerProcess } from '../helpers/servers.js';

let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
});

function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"|]/g, (c) => `\\${c}`)} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `metric ${name} missing in:\n${text.slice(0, 500)}`);
  return Number(m[1]);
}

test('GET /metrics reports counters that follow the workload', async () => {
  const port = await freePort();
  server = await startKeyraft(['--metrics-port', String(port)]);
  const url = `http://127.0.0.1:${port}/metrics`;
  const before = await (await fetch(url)).text();
  const c = await server.connect();
  for (let i = 0; i < 10; i++) await c.call('SET', `k${i}`, 'v');
  await c.call('GET', 'k1');
  await c.call('GET', 'nokey');
  await c.call('SELECT', '2');
  await c.call('SET', 'x', 'y', 'EX', '100');
  await c.call('NOSUCHCOMMAND');
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  assert.match(text, /^# TYPE keyraft_commands_processed_total counter$/m);
  assert.equal(metricValue(text, 'keyraft_command_calls_total{cmd="set"}'), 11);
  assert.equal(metricValue(text, 'keyraft_db_keys{db="0"}'), 10);
  assert.equal(metricValue(text, 'keyraft_db_keys{db="2"}'), 1);
  assert.equal(metricValue(text, 'keyraft_db_keys_with_expiry{db="2"}'), 1);
  assert.equal(metricValue(text, 'keyraft_keyspace_hits_total') - metricValue(before, 'keyraft_keyspace_hits_total'), 1);
  assert.equal(metricValue(text, 'keyraft_keyspace_misses_total') - metricValue(before, 'keyraft_keyspace_misses_total'), 1);
  assert.equal(metricValue(text, 'keyraft_errors_total{code="ERR"}'), 1);
  assert.ok(metricValue(text, 'keyraft_connected_clients') >= 1);
  assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  c.close();
});
