// docs/COMMANDS.md must be exactly what the command table generates, so it cannot drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandTable } from '../../src/commands/registry.js';
import { ALL_FAMILIES } from '../../src/commands/index.js';
import { renderCommandsDoc } from '../../src/commands/doc.js';
import { REPO_ROOT } from '../helpers/servers.js';

test('docs/COMMANDS.md is generated from the command table (run npm run docs:commands)', () => {
  const committed = readFileSync(join(REPO_ROOT, 'docs/COMMANDS.md'), 'utf8');
  assert.equal(committed, renderCommandsDoc(new CommandTable(ALL_FAMILIES)));
});
