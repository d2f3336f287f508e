// INFO: structure (sections, order, field names, CRLF) checked against Redis 7.0's own output
// where Redis is installed, and values checked by running commands and watching the counters move.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyraft, startRedis, findRedisServer, type ServerProcess } from '../helpers/servers.js';
import type { RespConnection } from '../helpers/resp.js';

let keyraft: ServerProcess;
let redis: ServerProcess | null = null;
let c: RespConnection;

before(async () => {
  [keyraft, redis] = await Promise.all([startKeyraft(), findRedisServer() ? startRedis() : Promise.resolve(null)]);
  c = await keyraft.connect();
});
after(async () => {
  c?.close();
  await Promise.all([keyraft?.stop(), redis?.stop()]);
});

async function info(conn: RespConnection, ...sections: string[]): Promise<string> {
  const v = await conn.value('INFO', ...sections);
  assert.equal(typeof v, 'string');
  return v as string;
}

/** Section name → ordered [field, value] pairs. */
function parse(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let current: [string, string][] | null = null;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = [];
      out.set(line.slice(2), current);
    } else if (line !== '') {
      const colon = line.indexOf(':');
      assert.ok(colon > 0 && current, `bad INFO line ${JSON.stringify(line)}`);
      current!.push([line.slice(0, colon), line.slice(colon + 1)]);
    }
  }
  return out;
}

function field(text: string, name: string): string {
  for (const [, fields] of parse(text)) for (const [k, v] of fields) if (k === name) return v;
  assert.fail(`no field ${name} in INFO`);
}

test('INFO default: Redis sections in order, CRLF lines, a blank line between sections', async () => {
  const text = await info(c);
  assert.ok(!/[^\r]\n/.test(text), 'every newline is CRLF');
  assert.ok(text.endsWith('\r\n') && !text.endsWith('\r\n\r\n'));
  assert.deepEqual([...parse(text).keys()], ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
  // Sections are separated by exactly one blank line.
  assert.equal(text.split('\r\n\r\n# ').length, 11);
  assert.deepEqual([...parse(await info(c, 'default')).keys()], [...parse(text).keys()]);
  const all = [...parse(await info(c, 'all')).keys()];
  assert.ok(all.includes('Commandstats'));
  assert.deepEqual([...parse(await info(c, 'everything')).keys()], all);
  // Several sections, any order and case, come back in Redis's order.
  assert.deepEqual([...parse(await info(c, 'KEYSPACE', 'server', 'cpu')).keys()], ['Server', 'CPU', 'Keyspace']);
  assert.equal(await info(c, 'nosuch'), '');
});

test('INFO server fields: version, mode, process, port, uptime', async () => {
  const text = await info(c, 'server');
  const version = field(text, 'redis_version');
  assert.ok(Number(version.split('.')[0]) >= 7, version);
  assert.equal(field(text, 'redis_mode'), 'standalone');
  assert.equal(field(text, 'process_id'), String(keyraft.pid));
  assert.equal(field(text, 'tcp_port'), String(keyraft.port));
  assert.match(field(text, 'run_id'), /^[0-9a-f]{40}$/);
  assert.match(field(text, 'keyraft_version'), /^\d+\.\d+\.\d+/);
  assert.match(field(text, 'uptime_in_seconds'), /^\d+$/);
  assert.equal(field(text, 'arch_bits'), '64');
});

test('INFO fields appear in the same order as in Redis 7.0', { skip: findRedisServer() ? false : 'redis-server not installed' }, async () => {
  const rc = await redis!.connect();
  try {
    await rc.call('SET', 'k', 'v');
    await c.call('SET', 'k', 'v');
    const ours = parse(await info(c, 'everything'));
    const theirs = parse(await info(rc, 'everything'));
    for (const [section, fields] of ours) {
      const ref = theirs.get(section);
      assert.ok(ref, `Redis has a ${section} section`);
      if (section === 'Commandstats' || section === 'Errorstats' || section === 'Keyspace') continue;
      const refNames = ref.map(([k]) => k);
      const shared = fields.map(([k]) => k).filter((k) => refNames.includes(k));
      assert.deepEqual(shared, refNames.filter((k) => shared.includes(k)), `${section}: field order`);
      // The fields clients and exporters read most are all there.
      const required: Record<string, string[]> = {
        Server: ['redis_version', 'redis_mode', 'os', 'arch_bits', 'process_id', 'run_id', 'tcp_port', 'uptime_in_seconds', 'uptime_in_days', 'hz', 'executable', 'config_file'],
        Clients: ['connected_clients', 'maxclients', 'blocked_clients'],
        Memory: ['used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_peak', 'maxmemory', 'maxmemory_policy', 'mem_fragmentation_ratio'],
        Persistence: ['loading', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'rdb_last_save_time', 'aof_enabled'],
        Stats: ['total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'total_net_input_bytes', 'total_net_output_bytes', 'rejected_connections', 'expired_keys', 'evicted_keys', 'keyspace_hits', 'keyspace_misses', 'total_error_replies'],
        Replication: ['role', 'connected_slaves', 'master_replid', 'master_repl_offset'],
        CPU: ['used_cpu_sys', 'used_cpu_user'],
        Cluster: ['cluster_enabled'],
      };
      for (const f of required[section] ?? []) assert.ok(shared.includes(f), `${section}: ${f}`);
    }
  } finally {
    rc.close();
  }
});

test('INFO counters move as commands run', async () => {
  await c.call('CONFIG', 'RESETSTAT');
  await c.call('FLUSHALL');
  let stats = await info(c, 'stats');
  const commands0 = Number(field(stats, 'total_commands_processed'));
  const connections0 = Number(field(stats, 'total_connections_received'));
  const input0 = Number(field(stats, 'total_net_input_bytes'));
  await c.call('SET', 'hit', '1');
  await c.call('GET', 'hit');
  await c.call('GET', 'hit');
  await c.call('GET', 'miss');
  const other = await keyraft.connect();
  await other.call('PING');
  other.close();
  stats = await info(c, 'stats');
  // SET, 3 GETs, PING, and the INFO before.
  assert.equal(Number(field(stats, 'total_commands_processed')), commands0 + 6);
  // Rejected commands (unknown, wrong arity) count as errors and rejected calls.
  await c.call('NOSUCHCOMMAND');
  await c.call('GET');
  stats = await info(c, 'stats');
  assert.equal(Number(field(stats, 'total_connections_received')), connections0 + 1);
  assert.ok(Number(field(stats, 'total_net_input_bytes')) > input0);
  assert.ok(Number(field(stats, 'total_net_output_bytes')) > 0);
  assert.equal(field(stats, 'keyspace_hits'), '2');
  assert.equal(field(stats, 'keyspace_misses'), '1');
  assert.equal(field(stats, 'total_error_replies'), '2');

  const all = await info(c, 'commandstats', 'errorstats');
  assert.match(all, /\r\ncmdstat_get:calls=3,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0\r\n/);
  assert.match(all, /\r\ncmdstat_set:calls=1,/);
  assert.match(all, /\r\ncmdstat_config\|resetstat:calls=1,/);
  assert.match(all, /\r\nerrorstat_ERR:count=2\r\n/);
  // Error codes are listed sorted, as Redis does.
  await c.call('SET', 'str', 'x');
  await c.call('LPUSH', 'str', 'y');
  await c.call('AUTH', 'x', 'y');
  const errors = await info(c, 'errorstats');
  assert.equal(errors, '# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGPASS:count=1\r\nerrorstat_WRONGTYPE:count=1\r\n');
});

test('INFO persistence, keyspace and expired_keys', async () => {
  await c.call('FLUSHALL');
  const dirty0 = Number(field(await info(c, 'persistence'), 'rdb_changes_since_last_save'));
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '2', 'PX', '100000');
  await c.call('SET', 'gone', '3', 'PX', '1');
  await c.call('SELECT', '3');
  await c.call('SET', 'c', '1');
  await c.call('SELECT', '0');
  const persistence = await info(c, 'persistence');
  assert.equal(Number(field(persistence, 'rdb_changes_since_last_save')), dirty0 + 4);
  assert.equal(field(persistence, 'aof_enabled'), '0');
  assert.equal(field(persistence, 'rdb_bgsave_in_progress'), '0');
  assert.equal(field(persistence, 'rdb_last_save_time'), String(await c.value('LASTSAVE')));
  // Active expiry reclaims the key with the 1 ms TTL.
  const deadline = Date.now() + 3000;
  while (Number(field(await info(c, 'stats'), 'expired_keys')) === 0) {
    assert.ok(Date.now() < deadline, 'expired_keys did not move');
    await new Promise((r) => setTimeout(r, 50));
  }
  const keyspace = await info(c, 'keyspace');
  const m = /\r\ndb0:keys=2,expires=1,avg_ttl=(\d+)\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n$/.exec(keyspace);
  assert.ok(m, keyspace);
  assert.ok(Number(m[1]) > 90000 && Number(m[1]) <= 100000, m[1]);
});

test('INFO memory, cpu and clients report live values', async () => {
  const memory = await info(c, 'memory');
  assert.ok(Number(field(memory, 'used_memory')) > 100000);
  assert.match(field(memory, 'used_memory_human'), /^\d+\.\d\d[KMG]$/);
  assert.ok(Number(field(memory, 'used_memory_peak')) >= Number(field(memory, 'used_memory')));
  assert.equal(field(memory, 'maxmemory_policy'), 'noeviction');
  await c.call('CONFIG', 'SET', 'maxmemory', '100mb');
  assert.equal(field(await info(c, 'memory'), 'maxmemory'), String(100 * 1024 * 1024));
  assert.equal(field(await info(c, 'memory'), 'maxmemory_human'), '100.00M');
  await c.call('CONFIG', 'SET', 'maxmemory', '0');
  assert.match(field(await info(c, 'cpu'), 'used_cpu_user'), /^\d+\.\d{6}$/);
  const extra = await keyraft.connect();
  await extra.call('PING');
  const clients = await info(c, 'clients');
  assert.equal(field(clients, 'connected_clients'), '2');
  assert.equal(field(clients, 'maxclients'), '10000');
  extra.close();
});

test('instantaneous_ops_per_sec follows the command rate', async () => {
  let pipeline = '';
  for (let i = 0; i < 3000; i++) pipeline += 'PING\r\n';
  c.writeRaw(pipeline);
  for (let i = 0; i < 3000; i++) await c.next();
  // Samples are taken every 100 ms.
  await new Promise((r) => setTimeout(r, 250));
  const stats = await info(c, 'stats');
  const ops = Number(field(stats, 'instantaneous_ops_per_sec'));
  assert.ok(ops > 0, `instantaneous_ops_per_sec=${ops}`);
  assert.ok(Number(field(stats, 'instantaneous_input_kbps')) > 0);
  assert.ok(Number(field(stats, 'instantaneous_output_kbps')) > 0);
  // With nothing running, the rate decays back to zero once the 16 samples roll over (1.6 s).
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(field(await info(c, 'stats'), 'instantaneous_ops_per_sec'), '0');
});

test('INFO is a verbatim string in RESP3', async () => {
  const conn = await keyraft.connect();
  await conn.call('HELLO', '3');
  const r = await conn.call('INFO', 'cluster');
  const body = 'txt:# Cluster\r\ncluster_enabled:0\r\n';
  assert.equal(r.raw.latin1Slice(), `=${body.length}\r\n${body}\r\n`);
  conn.close();
});
