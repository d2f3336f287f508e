// Connection commands: PING ECHO QUIT RESET SELECT AUTH HELLO. They act on the calling client's
// session (database, protocol, authentication) rather than on the keyspace.

import type { CommandDef, ExecContext } from './types.js';
import type { Client } from '../net/client.js';
import { parseInt64 } from '../protocol/numbers.js';
import { ERR_DB_INDEX, ERR_NOPASS, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGPASS } from '../protocol/errors.js';
import { REDIS_COMPAT_VERSION } from '../version.js';

/** Checks a username/password pair against the configuration (only the default user exists). */
export function checkPassword(ctx: ExecContext, user: string, password: string): boolean {
  const required = ctx.server.config.get('requirepass');
  if (user !== 'default') return false;
  return required === '' || password === required;
}

/** Client names may hold only printable ASCII without spaces (Redis's validateClientName). */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

export const ERR_CLIENT_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';

function requireClient(ctx: ExecContext): Client | null {
  return ctx.client;
}

export const connectionCommands: CommandDef[] = [
  {
    name: 'ping',
    group: 'connection',
    summary: 'Returns the server\'s liveliness response.',
    handler(ctx, argv) {
      if (argv.length > 2) ctx.reply.error(`ERR wrong number of arguments for 'ping' command`);
      else if (ctx.client !== null && ctx.client.resp === 2 && ctx.client.subscriptionCount > 0) {
        // In RESP2 Pub/Sub mode PING answers in the shape of a message.
        ctx.reply.array(2);
        ctx.reply.bulk('pong');
        ctx.reply.bulk(argv.length === 2 ? argv[1]! : '');
      } else if (argv.length === 2) ctx.reply.bulk(argv[1]!);
      else ctx.reply.simple('PONG');
    },
  },
  {
    name: 'echo',
    group: 'connection',
    summary: 'Returns the given string.',
    handler(ctx, argv) {
      ctx.reply.bulk(argv[1]!);
    },
  },
  {
    name: 'quit',
    group: 'connection',
    summary: 'Closes the connection.',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    handler(ctx) {
      ctx.reply.ok();
      const client = requireClient(ctx);
      if (client) client.closing = true;
    },
  },
  {
    name: 'reset',
    group: 'connection',
    summary: 'Resets the connection.',
    since: '6.2.0',
    handler(ctx) {
      const client = requireClient(ctx);
      if (client) {
        client.dbIndex = 0;
        client.resp = 2;
        client.name = '';
        client.replyMode = 'on';
        client.noEvict = false;
        client.noTouch = false;
        client.multi = null;
        ctx.server.watches.unwatchAll(client);
        ctx.server.pubsub.removeClient(client);
        if (ctx.server.config.get('requirepass') !== '') {
          client.authenticated = false;
          client.parser.authenticated = false;
        }
        client.user = 'default';
      }
      ctx.reply.simple('RESET');
    },
  },
  {
    name: 'select',
    group: 'connection',
    summary: 'Changes the selected database.',
    handler(ctx, argv) {
      const index = parseInt64(argv[1]!);
      if (index === null) {
        ctx.reply.error(ERR_NOT_INTEGER);
        return;
      }
      if (typeof index !== 'number' || index < -2147483648 || index > 2147483647) {
        ctx.reply.error('ERR value is out of range, value must between -2147483648 and 2147483647');
        return;
      }
      if (index < 0 || index >= ctx.server.dbs.length) {
        ctx.reply.error(ERR_DB_INDEX);
        return;
      }
      if (ctx.client) ctx.client.dbIndex = index;
      ctx.reply.ok();
    },
  },
  {
    name: 'auth',
    group: 'connection',
    summary: 'Authenticates the connection.',
    handler(ctx, argv) {
      if (argv.length > 3) {
        ctx.reply.error(ERR_SYNTAX);
        return;
      }
      const user = argv.length === 3 ? argv[1]! : 'default';
      const password = argv[argv.length - 1]!;
      if (argv.length === 2 && ctx.server.config.get('requirepass') === '') {
        ctx.reply.error(ERR_NOPASS);
        return;
      }
      if (!checkPassword(ctx, user, password)) {
        ctx.reply.error(ERR_WRONGPASS);
        return;
      }
      ctx.client?.setAuthenticated(user);
      ctx.reply.ok();
    },
  },
  {
    name: 'hello',
    group: 'connection',
    summary: 'Handshakes with the server: protocol version, authentication, client name.',
    since: '6.0.0',
    handler(ctx, argv) {
      const client = ctx.client;
      let proto: 2 | 3 | null = null;
      let i = 1;
      if (argv.length >= 2) {
        const v = parseInt64(argv[1]!);
        if (v === null) {
          ctx.reply.error('ERR Protocol version is not an integer or out of range');
          return;
        }
        if (v !== 2 && v !== 3) {
          ctx.reply.error('NOPROTO unsupported protocol version');
          return;
        }
        proto = v;
        i = 2;
      }
      let auth: [string, string] | null = null;
      let setName: string | null = null;
      for (; i < argv.length; i++) {
        const opt = argv[i]!.toLowerCase();
        const left = argv.length - i - 1;
        if (opt === 'auth' && left >= 2) {
          auth = [argv[i + 1]!, argv[i + 2]!];
          i += 2;
        } else if (opt === 'setname' && left >= 1) {
          setName = argv[i + 1]!;
          i += 1;
        } else {
          ctx.reply.error(`ERR Syntax error in HELLO option '${argv[i]}'`);
          return;
        }
      }
      if (auth) {
        if (!checkPassword(ctx, auth[0], auth[1])) {
          ctx.reply.error(ERR_WRONGPASS);
          return;
        }
        client?.setAuthenticated(auth[0]);
      }
      if (client && !client.authenticated) {
        ctx.reply.error(
          'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
        );
        return;
      }
      if (setName !== null && !validClientName(setName)) {
        ctx.reply.error(ERR_CLIENT_NAME);
        return;
      }
      if (client) {
        if (setName !== null) client.name = setName;
        if (proto !== null) client.resp = proto;
      }
      const r = ctx.reply;
      r.map(7);
      r.bulk('server');
      r.bulk('redis');
      r.bulk('version');
      r.bulk(REDIS_COMPAT_VERSION);
      r.bulk('proto');
      r.integer(client ? client.resp : 2);
      r.bulk('id');
      r.integer(client ? client.id : 0);
      r.bulk('mode');
      r.bulk('standalone');
      r.bulk('role');
      r.bulk('master');
      r.bulk('modules');
      r.array(0);
    },
  },
];
