// `npm run docs:commands`: writes docs/COMMANDS.md from the command table.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommandTable } from '../src/commands/registry.js';
import { ALL_FAMILIES } from '../src/commands/index.js';
import { renderCommandsDoc } from '../src/commands/doc.js';

const out = resolve(import.meta.dirname, '../../docs/COMMANDS.md');
writeFileSync(out, renderCommandsDoc(new CommandTable(ALL_FAMILIES)));
console.log(`wrote ${out}`);
