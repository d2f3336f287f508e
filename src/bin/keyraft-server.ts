#!/usr/bin/env node
// keyraft-server: starts a server from Redis-style arguments —
//   keyraft-server [/path/to/keyraft.conf] [--directive value ...]
// with KEYRAFT_<DIRECTIVE> environment variables in between (flags > env > file > defaults).
// Stops cleanly on SIGINT/SIGTERM and on SHUTDOWN.

import { loadConfig, ConfigError } from '../config/config.js';
import { ServerState } from '../server/state.js';
import { AofLoadError } from '../persistence/aof.js';
import { KEYRAFT_VERSION, REDIS_COMPAT_VERSION } from '../version.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(`keyraft-server v=${KEYRAFT_VERSION} (redis compatibility ${REDIS_COMPAT_VERSION})`);
    return;
  }
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log('Usage: keyraft-server [/path/to/keyraft.conf] [--port 6379] [--bind 127.0.0.1] [--directive value ...]');
    console.log('Every directive may also be set as KEYRAFT_<DIRECTIVE> in the environment. See README.md.');
    return;
  }
  let server: ServerState;
  try {
    server = new ServerState(loadConfig(argv, process.env));
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`*** FATAL CONFIG ERROR: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  let stopping = false;
  // SHUTDOWN has already run the shutdown steps (and replied if they failed); a signal runs them
  // here and, as Redis does, keeps the server up when the final save fails.
  const stop = async (why: string, prepared = false) => {
    if (stopping) return;
    if (!prepared && !server.rdb.prepareShutdown(null, false)) {
      server.log.warning(`${why}, but errors trying to shut down the server, check the logs for more information`);
      return;
    }
    stopping = true;
    server.log.notice(`${why}, shutting down. Bye bye...`);
    await server.close();
    process.exit(0);
  };
  server.onShutdown = () => void stop('User requested shutdown', true);
  process.on('SIGINT', () => void stop('Received SIGINT scheduling shutdown'));
  process.on('SIGTERM', () => void stop('Received SIGTERM scheduling shutdown'));
  // The snapshot loads while the server listens (clients get -LOADING meanwhile), as in Redis;
  // with appendonly yes the append-only file is the source of truth instead. `loading` is set
  // before the first listener opens, so no command can run against the empty dataset.
  const loadSnapshot = server.config.get('appendonly') !== 'yes' && server.rdb.markLoadingIfPresent();
  try {
    await server.listen();
  } catch (e) {
    // A damaged append-only file explains itself (and how to repair it).
    server.log.warning(e instanceof AofLoadError ? e.message : `Could not start listening: ${(e as Error).message}`);
    process.exit(1);
  }
  if (loadSnapshot) {
    try {
      await server.rdb.loadAtStartup();
    } catch (e) {
      server.log.warning(`*** FATAL: cannot load the snapshot: ${(e as Error).message}`);
      server.log.warning('Refusing to start with a damaged dataset: move the file away (or restore a good copy) and start again.');
      process.exit(1);
    }
  }
}

void main();
