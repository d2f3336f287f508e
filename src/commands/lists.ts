// Placeholder: the lists family is being written (collections issue).
import type { CommandDef } from './types.js';

export const listCommands: CommandDef[] = [];
