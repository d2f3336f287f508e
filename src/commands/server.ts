// Placeholder: filled in by the server family work.
import type { CommandDef } from './types.js';

export const serverCommands: CommandDef[] = [];
