// Tests for the dev-mode key-encryption secret file: creation with mode 0600, reuse, and refusal of unsafe files.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_SECRET_FILE, DevSecretError, loadOrCreateDevSecret } from '../../src/tokens/keys/dev-secret.js';

const posix = process.platform !== 'win32';

describe('dev key-encryption secret', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'gatehouse-dev-secret-'));
  after(() => rm(root, { recursive: true, force: true }));

  it('creates the data folder and a 0600 file holding 32 random bytes', async () => {
    const dataDir = path.join(root, 'fresh', 'nested');
    const result = await loadOrCreateDevSecret(dataDir);
    assert.equal(result.created, true);
    assert.equal(result.path, path.join(dataDir, DEV_SECRET_FILE));
    assert.equal(Buffer.from(result.secret, 'base64url').length, 32);
    assert.equal((await readFile(result.path, 'utf8')).trim(), result.secret);
    if (posix) assert.equal((await stat(result.path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dataDir), [DEV_SECRET_FILE]);
  });

  it('reuses the existing file on the next start', async () => {
    const dataDir = path.join(root, 'reuse');
    const first = await loadOrCreateDevSecret(dataDir);
    const second = await loadOrCreateDevSecret(dataDir);
    assert.equal(second.created, false);
    assert.equal(second.secret, first.secret);
  });

  it('agrees on one secret when several processes start at once', async () => {
    const dataDir = path.join(root, 'race');
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevSecret(dataDir)));
    assert.equal(results.filter((result) => result.created).length, 1);
    assert.equal(new Set(results.map((result) => result.secret)).size, 1);
    assert.deepEqual(await readdir(dataDir), [DEV_SECRET_FILE]);
  });

  it('refuses a file readable by group or others', { skip: !posix }, async () => {
    const dataDir = path.join(root, 'loose');
    const { path: file } = await loadOrCreateDevSecret(dataDir);
    await chmod(file, 0o644);
    await assert.rejects(loadOrCreateDevSecret(dataDir), (error: unknown) => {
      assert.ok(error instanceof DevSecretError);
      assert.match(error.message, /readable by group or others \(mode 644\); run: chmod 600 /);
      return true;
    });
  });

  it('refuses a file without a usable secret, without echoing its content', async () => {
    const dataDir = path.join(root, 'short');
    const { path: file } = await loadOrCreateDevSecret(dataDir);
    await writeFile(file, 'too-short\n', { mode: 0o600 });
    await assert.rejects(loadOrCreateDevSecret(dataDir), (error: unknown) => {
      assert.ok(error instanceof DevSecretError);
      assert.ok(!error.message.includes('too-short'));
      return true;
    });
  });
});
