// Placeholder: filled in by the keys family work.
import type { CommandDef } from './types.js';

export const keyCommands: CommandDef[] = [];
