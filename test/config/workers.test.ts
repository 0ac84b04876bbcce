// The `workers` setting: a count 1-64 or auto, from the file, GATEHOUSE_WORKERS or `serve --workers`, the flag winning.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { problemsOf } from '../support/config-problems.js';

const production = { GATEHOUSE_ISSUER: 'https://id.example.com', GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'k'.repeat(40) };
const EXPECTED = '`workers`: expected a count 1-64, or auto (one per CPU the process may use)';

it('serves from one process unless told otherwise', () => {
  assert.equal(loadConfig({ env: production }).workers, 1);
});

it('takes a count or auto from the environment and the flag, the flag winning', () => {
  assert.equal(loadConfig({ env: { ...production, GATEHOUSE_WORKERS: '4' } }).workers, 4);
  assert.equal(loadConfig({ env: { ...production, GATEHOUSE_WORKERS: 'auto' } }).workers, 'auto');
  assert.equal(loadConfig({ env: { ...production, GATEHOUSE_WORKERS: '4' }, flags: { workers: '64' } }).workers, 64);
  assert.equal(loadConfig({ env: production, flags: { workers: 'auto' } }).workers, 'auto');
});

for (const [flag, shown] of [
  ['0', 'got 0 (flag --workers)'],
  ['65', 'got 65 (flag --workers)'],
  ['many', 'got "many" (flag --workers)'],
  ['-1', 'got "-1" (flag --workers)'],
] as const) {
  it(`refuses --workers ${flag}, saying what it expects and where the value came from`, () => {
    assert.deepEqual(problemsOf(() => loadConfig({ env: production, flags: { workers: flag } })), [`${EXPECTED}, ${shown}`]);
  });
}

it('refuses a fraction from the environment', () => {
  assert.deepEqual(problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_WORKERS: '1.5' } })), [`${EXPECTED}, got 1.5 (from env GATEHOUSE_WORKERS)`]);
});
