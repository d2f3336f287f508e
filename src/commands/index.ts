// Every command family, in one list the registry builds the command table from. Adding a family
// means adding its module here; docs/COMMANDS.md is generated from the resulting table.

import type { CommandDef } from './types.js';
import { connectionCommands } from './connection.js';
import { serverCommands } from './server.js';
import { clientCommands } from './client.js';
import { stringCommands } from './strings.js';
import { bitmapCommands } from './bitmaps.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { hashCommands } from './hashes.js';
import { setCommands } from './sets.js';
import { sortedSetCommands } from './zsets.js';
import { sortCommands } from './sort.js';
import { transactionCommands } from './transactions.js';
import { pubsubCommands } from './pubsub.js';
import { observeCommands } from './observe.js';
import { memoryCommands } from './memory.js';
import { persistenceCommands } from './persistence.js';
import { streamCommands } from './streams.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { geoCommands } from './geo.js';
import { scriptingCommands } from './scripting.js';

export const ALL_FAMILIES: readonly (readonly CommandDef[])[] = [
  connectionCommands,
  serverCommands,
  clientCommands,
  stringCommands,
  bitmapCommands,
  keyCommands,
  listCommands,
  hashCommands,
  setCommands,
  sortedSetCommands,
  sortCommands,
  transactionCommands,
  pubsubCommands,
  observeCommands,
  memoryCommands,
  scriptingCommands,
  persistenceCommands,
  streamCommands,
  hyperloglogCommands,
  geoCommands,
];
