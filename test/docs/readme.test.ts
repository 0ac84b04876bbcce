import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/project-root.js';
import { embedConfigReference } from '../../src/config/reference.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

it('embeds the configuration reference exactly as the schema renders it', () => {
  assert.equal(readme, embedConfigReference(readme), 'README drifted from the schema: run `npm run gatehouse -- config reference` and paste it');
});

it('shows the two set-up commands', () => {
  assert.ok(readme.includes('npm install && npm start'));
  assert.ok(readme.includes('npm test'));
});
