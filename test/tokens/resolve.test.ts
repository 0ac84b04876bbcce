// Tests for startup wiring: choosing the key-encryption secret, and opening a key ring ready to sign.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { configSchema } from '../../src/config/schema.js';
import { EventBus } from '../../src/observability/events.js';
import { createLogger } from '../../src/observability/logger.js';
import { openKeyRing } from '../../src/tokens/keys/key-ring.js';
import { resolveKeyEncryption } from '../../src/tokens/keys/resolve.js';
import { createTestStore } from '../support/database.js';

const SECRET = 'resolve-test-secret-0123456789abcdef0123456';

function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger('info', sink), text: () => lines.join('') };
}

describe('resolveKeyEncryption', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-resolve-'));
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('uses the configured secret, accepting previous ones for decryption', async () => {
    const config = configSchema.parse({ dataDir, keys: { encryptionSecret: SECRET, previousEncryptionSecrets: [`old-${SECRET}`] } });
    const { logger } = capturingLogger();
    const fromOld = await resolveKeyEncryption({ ...config, keys: { ...config.keys, encryptionSecret: `old-${SECRET}` } }, logger);
    const encryption = await resolveKeyEncryption(config, logger);
    assert.deepEqual(encryption.decrypt('kid', fromOld.encrypt('kid', Buffer.from('key'))), Buffer.from('key'));
  });

  it('generates a dev secret once, logging where without logging the secret', async () => {
    const config = configSchema.parse({ dataDir, dev: true });
    const first = capturingLogger();
    const encryption = await resolveKeyEncryption(config, first.logger);
    assert.match(first.text(), /generated a key-encryption secret at .*key-encryption\.secret/);
    const second = capturingLogger();
    const again = await resolveKeyEncryption(config, second.logger);
    assert.equal(second.text(), '');
    assert.deepEqual(again.decrypt('kid', encryption.encrypt('kid', Buffer.from('key'))), Buffer.from('key'));
  });

  it('refuses to run without a secret outside dev mode', async () => {
    const config = configSchema.parse({ dataDir });
    await assert.rejects(resolveKeyEncryption(config, capturingLogger().logger), /keys\.encryptionSecret is required outside dev mode/);
  });
});

describe('openKeyRing', () => {
  it('returns a ring that can sign at once with each default algorithm, without keeping the secret in its settings', async () => {
    const test = await createTestStore({ name: 'sqlite' });
    try {
      const config = configSchema.parse({ keys: { encryptionSecret: SECRET } });
      const { logger } = capturingLogger();
      const events = new EventBus(() => undefined);
      const encryption = await resolveKeyEncryption(config, logger);
      const ring = await openKeyRing({ store: test.store, config, keyEncryption: encryption, events, logger, clock: () => Math.floor(Date.now() / 1000) });
      assert.deepEqual(ring.signingAlgorithms(), ['RS256', 'ES256']);
      for (const alg of ['RS256', 'ES256'] as const) assert.match(ring.activeKey(alg)?.kid ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal((JSON.parse(ring.jwksJson()) as { keys: unknown[] }).keys.length, 4, 'an active and a next key of each');
      assert.ok(!inspect(ring, { depth: 4 }).includes(SECRET));
    } finally {
      await test.cleanup();
    }
  });
});
