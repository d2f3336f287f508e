// Placeholder: the sort family is being written (collections issue).
import type { CommandDef } from './types.js';

export const sortCommands: CommandDef[] = [];
