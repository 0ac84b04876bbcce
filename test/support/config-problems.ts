// The problems a configuration is refused with, for tests that expect loadConfig to refuse one.
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/load.js';

/** Runs `load` and returns the problems of the ConfigError it throws; fails the test when it throws none. */
export function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the configuration to be refused');
}
