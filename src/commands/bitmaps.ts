// Placeholder: filled in by the bitmaps family work.
import type { CommandDef } from './types.js';

export const bitmapCommands: CommandDef[] = [];
