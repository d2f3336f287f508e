// Placeholder: the sets family is being written (collections issue).
import type { CommandDef } from './types.js';

export const setCommands: CommandDef[] = [];
