// Placeholder: the zsets family is being written (collections issue).
import type { CommandDef } from './types.js';

export const sortedSetCommands: CommandDef[] = [];
