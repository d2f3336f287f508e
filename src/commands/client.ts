// Placeholder: filled in by the CLIENT family work.
import type { CommandDef } from './types.js';

export const clientCommands: CommandDef[] = [];
