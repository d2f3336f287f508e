// Placeholder with GET/SET only: the full strings family replaces it.
import type { CommandDef } from './types.js';
import { isString, stringOf } from '../types/value.js';
import { ERR_WRONGTYPE } from '../protocol/errors.js';

export const stringCommands: CommandDef[] = [
  {
    name: 'get',
    group: 'string',
    summary: 'Returns the string value of a key.',
    handler(ctx, argv) {
      const v = ctx.db.get(argv[1]!, ctx.now);
      if (v === undefined) ctx.reply.nullBulk();
      else if (!isString(v)) ctx.reply.error(ERR_WRONGTYPE);
      else ctx.reply.bulk(stringOf(v));
    },
  },
  {
    name: 'set',
    group: 'string',
    summary: 'Sets the string value of a key.',
    handler(ctx, argv) {
      ctx.db.set(argv[1]!, argv[2]!);
      ctx.modified(argv[1]!);
      ctx.dirty();
      ctx.reply.ok();
    },
  },
];
