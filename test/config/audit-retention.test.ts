// audit.retention: 0 keeps every audit event (the default); otherwise at least a day.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const dev = (env: NodeJS.ProcessEnv) => loadConfig({ env, flags: { dev: true } });

describe('audit.retention', () => {
  it('keeps every event by default, and accepts a day or more', () => {
    assert.equal(dev({}).audit.retention, 0);
    assert.equal(dev({ GATEHOUSE_AUDIT_RETENTION: '86400' }).audit.retention, 86_400);
  });

  it('refuses a retention shorter than a day, saying what it expects', () => {
    assert.throws(() => dev({ GATEHOUSE_AUDIT_RETENTION: '3600' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.problems.join('\n'), /`audit\.retention`: expected seconds: 0 \(keep forever\) or 86400-315360000, got 3600 \(from env GATEHOUSE_AUDIT_RETENTION\)/);
      return true;
    });
  });
});
