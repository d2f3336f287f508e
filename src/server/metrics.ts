// The metrics endpoint: with `metrics-port` set (0, the default, turns it off), an HTTP server on
// the first `bind` address answers GET /metrics in the Prometheus text format with the counters
// INFO reports — connections, commands (per command too), keyspace hits and misses, expiries,
// keys per database, memory and network bytes — so a container can be scraped without a Redis
// exporter. Anything else gets 404.

import { createServer, type Server } from 'node:http';
import type { ServerState } from './state.js';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Renders every metric; exported for tests. */
export function renderMetrics(server: ServerState): string {
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
  };
  const s = server.stats;
  const mem = process.memoryUsage();
  metric('keyraft_uptime_seconds', 'gauge', 'Seconds since the server started.', [['', Math.floor((Date.now() - server.startedAt) / 1000)]]);
  metric('keyraft_connected_clients', 'gauge', 'Client connections open now.', [['', server.clients.size]]);
  metric('keyraft_blocked_clients', 'gauge', 'Clients waiting in a blocking command.', [['', server.blocking.blockedCount]]);
  metric('keyraft_connections_received_total', 'counter', 'Connections accepted.', [['', s.totalConnections]]);
  metric('keyraft_rejected_connections_total', 'counter', 'Connections refused (maxclients).', [['', s.rejectedConnections]]);
  metric('keyraft_commands_processed_total', 'counter', 'Commands executed.', [['', s.totalCommands]]);
  metric('keyraft_error_replies_total', 'counter', 'Error replies sent.', [['', s.totalErrorReplies]]);
  metric('keyraft_keyspace_hits_total', 'counter', 'Successful key lookups.', [['', s.keyspaceHits]]);
  metric('keyraft_keyspace_misses_total', 'counter', 'Failed key lookups.', [['', s.keyspaceMisses]]);
  metric('keyraft_expired_keys_total', 'counter', 'Keys removed because their time passed.', [['', s.expiredKeys]]);
  metric('keyraft_net_input_bytes_total', 'counter', 'Bytes received from clients.', [['', s.netInputBytes]]);
  metric('keyraft_net_output_bytes_total', 'counter', 'Bytes sent to clients.', [['', s.netOutputBytes]]);
  metric('keyraft_memory_rss_bytes', 'gauge', 'Resident set size of the process.', [['', mem.rss]]);
  metric('keyraft_memory_used_bytes', 'gauge', 'JavaScript heap and external memory in use.', [['', mem.heapUsed + mem.external]]);
  metric(
    'keyraft_db_keys',
    'gauge',
    'Keys per database (expired ones not yet reclaimed included, as DBSIZE).',
    server.dbs.filter((db) => db.size > 0).map((db) => [`{db="${db.id}"}`, db.size]),
  );
  metric(
    'keyraft_db_keys_with_expiry',
    'gauge',
    'Keys with a time to live, per database.',
    server.dbs.filter((db) => db.size > 0).map((db) => [`{db="${db.id}"}`, db.expiresCount]),
  );
  const calls: [string, number][] = [];
  const usec: [string, number][] = [];
  for (const cmd of server.commands.all()) {
    const all = cmd.subcommands ? [cmd, ...cmd.subcommands.values()] : [cmd];
    for (const c of all) {
      if (c.stats.calls === 0) continue;
      const label = `{cmd="${escapeLabel(c.fullName)}"}`;
      calls.push([label, c.stats.calls]);
      usec.push([label, Math.round(c.stats.usec)]);
    }
  }
  metric('keyraft_command_calls_total', 'counter', 'Calls per command.', calls);
  metric('keyraft_command_duration_microseconds_total', 'counter', 'Time spent per command.', usec);
  metric(
    'keyraft_errors_total',
    'counter',
    'Error replies by error code.',
    [...s.errors].map(([code, n]) => [`{code="${escapeLabel(code)}"}`, n]),
  );
  return out.join('\n') + '\n';
}

export function startMetricsServer(server: ServerState, port: number, host: string): Promise<Server> {
  const http = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(renderMetrics(server));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics\n');
    }
  });
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}
