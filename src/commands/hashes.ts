// Placeholder: the hashes family is being written (collections issue).
import type { CommandDef } from './types.js';

export const hashCommands: CommandDef[] = [];
