// Tests for purpose-bound HMAC keys derived from the key-encryption secrets: shared, rotatable, separated by purpose.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMessageAuthentication } from '../../src/tokens/keys/message-authentication.js';

const SECRET = 'current-secret-0123456789abcdef0123456789';
const OLD_SECRET = 'previous-secret-0123456789abcdef012345678';
const PURPOSE = 'device cookie v1';

describe('message authentication', () => {
  const current = createMessageAuthentication({ current: SECRET, previous: [] }, PURPOSE);

  it('signs deterministically from the secret, so another instance or a restart verifies the signature', () => {
    const signature = current.sign('message');
    assert.match(signature, /^[A-Za-z0-9_-]{43}$/);
    const restarted = createMessageAuthentication({ current: SECRET, previous: [] }, PURPOSE);
    assert.equal(restarted.sign('message'), signature);
    assert.equal(restarted.verify('message', signature), true);
  });

  it('refuses another message, another purpose, another secret and a malformed signature', () => {
    const signature = current.sign('message');
    assert.equal(current.verify('messagf', signature), false);
    assert.equal(createMessageAuthentication({ current: SECRET, previous: [] }, 'other purpose').verify('message', signature), false);
    assert.equal(createMessageAuthentication({ current: OLD_SECRET, previous: [] }, PURPOSE).verify('message', signature), false);
    for (const malformed of ['', signature.slice(0, 42), `${signature}A`, `${signature.slice(0, 42)}=`, `${signature.slice(0, 41)}+/`]) {
      assert.equal(current.verify('message', malformed), false, JSON.stringify(malformed));
    }
  });

  it('refuses a non-canonical encoding of the right bytes (the last character carries two spare bits)', () => {
    const signature = current.sign('message');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const twin = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    assert.deepEqual(Buffer.from(twin, 'base64url'), Buffer.from(signature, 'base64url'), 'decodes to the same bytes');
    assert.equal(current.verify('message', twin), false);
  });

  it('verifies signatures made under a previous secret, and signs only under the current one', () => {
    const old = createMessageAuthentication({ current: OLD_SECRET, previous: [] }, PURPOSE);
    const rotated = createMessageAuthentication({ current: SECRET, previous: [OLD_SECRET] }, PURPOSE);
    assert.equal(rotated.verify('message', old.sign('message')), true);
    assert.equal(rotated.sign('message'), current.sign('message'));
  });
});
