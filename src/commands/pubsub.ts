// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE PUBLISH
// SPUBLISH PUBSUB. Confirmations are push frames in RESP3 and arrays in RESP2, one per channel,
// carrying the client's subscription count as Redis computes it (channels + patterns for the
// classic family, shard channels alone for the sharded one). The registry is src/pubsub/.

import { replyHelp } from './server.js';
import type { CommandDef, ExecContext } from './types.js';
import type { SubscriptionKind } from '../pubsub/pubsub.js';
import type { Client } from '../net/client.js';

function countFor(client: Client, kind: SubscriptionKind): number {
  const s = client.subscriptions;
  return kind === 'shard' ? s.shard.size : s.channel.size + s.pattern.size;
}

function confirm(ctx: ExecContext, verb: string, name: string | null, count: number): void {
  const r = ctx.reply;
  r.push(3);
  r.bulk(verb);
  if (name === null) r.nullBulk();
  else r.bulk(name);
  r.integer(count);
}

function subscribeHandler(kind: SubscriptionKind, verb: string) {
  return (ctx: ExecContext, argv: string[]): void => {
    const client = ctx.client;
    if (!client) return;
    for (let i = 1; i < argv.length; i++) {
      ctx.server.pubsub.subscribe(client, kind, argv[i]!);
      confirm(ctx, verb, argv[i]!, countFor(client, kind));
    }
  };
}

function unsubscribeHandler(kind: SubscriptionKind, verb: string) {
  return (ctx: ExecContext, argv: string[]): void => {
    const client = ctx.client;
    if (!client) return;
    const pubsub = ctx.server.pubsub;
    const names = argv.length > 1 ? argv.slice(1) : [...client.subscriptions[kind]];
    if (names.length === 0) {
      confirm(ctx, verb, null, countFor(client, kind));
      return;
    }
    for (const name of names) {
      pubsub.unsubscribe(client, kind, name);
      confirm(ctx, verb, name, countFor(client, kind));
    }
  };
}

export const pubsubCommands: CommandDef[] = [
  { name: 'subscribe', group: 'pubsub', summary: 'Listens for messages published to channels.', since: '2.0.0', handler: subscribeHandler('channel', 'subscribe') },
  { name: 'unsubscribe', group: 'pubsub', summary: 'Stops listening to messages posted to channels.', since: '2.0.0', handler: unsubscribeHandler('channel', 'unsubscribe') },
  { name: 'psubscribe', group: 'pubsub', summary: 'Listens for messages published to channels that match one or more patterns.', since: '2.0.0', handler: subscribeHandler('pattern', 'psubscribe') },
  { name: 'punsubscribe', group: 'pubsub', summary: 'Stops listening to messages published to channels that match one or more patterns.', since: '2.0.0', handler: unsubscribeHandler('pattern', 'punsubscribe') },
  { name: 'ssubscribe', group: 'pubsub', summary: 'Listens for messages published to shard channels.', since: '7.0.0', handler: subscribeHandler('shard', 'ssubscribe') },
  { name: 'sunsubscribe', group: 'pubsub', summary: 'Stops listening to messages posted to shard channels.', since: '7.0.0', handler: unsubscribeHandler('shard', 'sunsubscribe') },
  {
    name: 'publish',
    group: 'pubsub',
    summary: 'Posts a message to a channel.',
    since: '2.0.0',
    handler(ctx, argv) {
      ctx.reply.integer(ctx.server.pubsub.publish(argv[1]!, argv[2]!));
    },
  },
  {
    name: 'spublish',
    group: 'pubsub',
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    handler(ctx, argv) {
      ctx.reply.integer(ctx.server.pubsub.publish(argv[1]!, argv[2]!, true));
    },
  },
  {
    name: 'pubsub',
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands.',
    since: '2.8.0',
    subcommands: [
      {
        name: 'channels',
        group: 'pubsub',
        summary: 'Returns the active channels.',
        since: '2.8.0',
        handler(ctx, argv) {
          ctx.reply.bulkArray(ctx.server.pubsub.activeChannels('channel', argv[2]));
        },
      },
      {
        name: 'shardchannels',
        group: 'pubsub',
        summary: 'Returns the active shard channels.',
        since: '7.0.0',
        handler(ctx, argv) {
          ctx.reply.bulkArray(ctx.server.pubsub.activeChannels('shard', argv[2]));
        },
      },
      {
        name: 'numpat',
        group: 'pubsub',
        summary: 'Returns a count of unique pattern subscriptions.',
        since: '2.8.0',
        handler(ctx) {
          ctx.reply.integer(ctx.server.pubsub.patternCount);
        },
      },
      {
        name: 'numsub',
        group: 'pubsub',
        summary: 'Returns a count of subscribers to channels.',
        since: '2.8.0',
        handler(ctx, argv) {
          numsub(ctx, argv, 'channel');
        },
      },
      {
        name: 'shardnumsub',
        group: 'pubsub',
        summary: 'Returns the count of subscribers of shard channels.',
        since: '7.0.0',
        handler(ctx, argv) {
          numsub(ctx, argv, 'shard');
        },
      },
      {
        name: 'help',
        group: 'pubsub',
        summary: 'Returns helpful text about the different subcommands.',
        since: '6.2.0',
        handler(ctx) {
          const lines = [
            'CHANNELS [<pattern>]',
            "    Return the currently active channels matching a <pattern> (default: '*').",
            'NUMPAT',
            '    Return number of subscriptions to patterns.',
            'NUMSUB [<channel> ...]',
            '    Return the number of subscribers for the specified channels, excluding',
            '    pattern subscriptions(default: no channels).',
            'SHARDCHANNELS [<pattern>]',
            '    Return the currently active shard level channels matching a <pattern> (default: \'*\').',
            'SHARDNUMSUB [<shardchannel> ...]',
            '    Return the number of subscribers for the specified shard level channel(s)',
          ];
          replyHelp(ctx.reply, 'PUBSUB', lines);
        },
      },
    ],
  },
];

function numsub(ctx: ExecContext, argv: string[], kind: 'channel' | 'shard'): void {
  const r = ctx.reply;
  r.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    r.bulk(argv[i]!);
    r.integer(ctx.server.pubsub.subscriberCount(kind, argv[i]!));
  }
}
