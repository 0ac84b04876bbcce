// Tests for the private-key envelope: round trip, tampering, wrong and previous secrets, and binding to the kid.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KeyDecryptionError, createKeyEncryption } from '../../src/tokens/keys/key-encryption.js';

const SECRET = 'current-secret-0123456789abcdef0123456789';
const OLD_SECRET = 'previous-secret-0123456789abcdef012345678';
const OTHER_SECRET = 'unrelated-secret-0123456789abcdef01234567';

describe('key encryption', () => {
  const plaintext = randomBytes(138);

  it('round-trips and hides the plaintext', () => {
    const encryption = createKeyEncryption(SECRET);
    const envelope = encryption.encrypt('kid-1', plaintext);
    assert.match(envelope, /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    assert.ok(!envelope.includes(plaintext.toString('base64url')));
    assert.deepEqual(encryption.decrypt('kid-1', envelope), plaintext);
  });

  it('uses a fresh IV every time', () => {
    const encryption = createKeyEncryption(SECRET);
    assert.notEqual(encryption.encrypt('kid-1', plaintext), encryption.encrypt('kid-1', plaintext));
  });

  it('detects a flipped byte in any part', () => {
    const encryption = createKeyEncryption(SECRET);
    const envelope = encryption.encrypt('kid-1', plaintext);
    const parts = envelope.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0]! ^= 0x01;
      const tampered = parts.with(index, bytes.toString('base64url')).join('.');
      assert.throws(() => encryption.decrypt('kid-1', tampered), KeyDecryptionError, `part ${index}`);
    }
  });

  it('refuses an envelope sealed for another kid', () => {
    const encryption = createKeyEncryption(SECRET);
    const envelope = encryption.encrypt('kid-1', plaintext);
    assert.throws(() => encryption.decrypt('kid-2', envelope), {
      name: 'KeyDecryptionError',
      message: /^signing key kid-2 cannot be decrypted: /,
    });
  });

  it('names the key, not the secret, when no configured secret matches', () => {
    const envelope = createKeyEncryption(OTHER_SECRET).encrypt('kid-1', plaintext);
    assert.throws(
      () => createKeyEncryption(SECRET, [OLD_SECRET]).decrypt('kid-1', envelope),
      (error: unknown) => {
        assert.ok(error instanceof KeyDecryptionError);
        assert.equal(error.message, 'signing key kid-1 cannot be decrypted: no configured key-encryption secret matches');
        assert.ok(!error.message.includes(SECRET) && !error.message.includes(OTHER_SECRET));
        return true;
      },
    );
  });

  it('opens envelopes sealed under a previous secret and seals new ones under the current one', () => {
    const old = createKeyEncryption(OLD_SECRET).encrypt('kid-1', plaintext);
    const rotated = createKeyEncryption(SECRET, [OLD_SECRET]);
    assert.deepEqual(rotated.decrypt('kid-1', old), plaintext);
    const fresh = rotated.encrypt('kid-1', plaintext);
    assert.deepEqual(createKeyEncryption(SECRET).decrypt('kid-1', fresh), plaintext);
    assert.throws(() => createKeyEncryption(OLD_SECRET).decrypt('kid-1', fresh), /no configured key-encryption secret matches/);
  });

  it('rejects envelopes in an unknown format', () => {
    const encryption = createKeyEncryption(SECRET);
    const envelope = encryption.encrypt('kid-1', plaintext);
    for (const bad of ['', 'garbage', `v2${envelope.slice(2)}`, `${envelope}.extra`, '-----BEGIN PRIVATE KEY-----']) {
      assert.throws(() => encryption.decrypt('kid-1', bad), /not in a known format/);
    }
  });
});
