// DPoP nonces (RFC 9449 §8): accepted in their window and the next, by any instance sharing the secret, and no longer.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DPOP_NONCE_PURPOSE, DpopNonces } from './dpop-nonce.js';
import { createMessageAuthentication } from './keys/message-authentication.js';

const LIFETIME = 120;
const secrets = { current: 'dpop-nonce-test-secret-0123456789abcdef', previous: [] };
const nonces = new DpopNonces(createMessageAuthentication(secrets, DPOP_NONCE_PURPOSE), LIFETIME);
const NOW = 1_700_000_040;

it('accepts a nonce in its own window and the next, and no later', () => {
  const nonce = nonces.issue(NOW);
  assert.equal(nonces.accepts(nonce, NOW), true);
  assert.equal(nonces.accepts(nonce, NOW + LIFETIME), true, 'the next window');
  assert.equal(nonces.accepts(nonce, NOW + 2 * LIFETIME), false, 'two windows on');
  assert.equal(nonces.accepts(nonce, NOW - LIFETIME), false, 'a nonce from the future');
});

it('is accepted by another instance with the same secret, and refused under another secret', () => {
  const sameSecret = new DpopNonces(createMessageAuthentication(secrets, DPOP_NONCE_PURPOSE), LIFETIME);
  assert.equal(sameSecret.accepts(nonces.issue(NOW), NOW), true);
  const otherSecret = new DpopNonces(createMessageAuthentication({ current: 'another-deployment-secret-0123456789abcdef', previous: [] }, DPOP_NONCE_PURPOSE), LIFETIME);
  assert.equal(otherSecret.accepts(nonces.issue(NOW), NOW), false);
});

it('refuses a missing, malformed or re-windowed nonce', () => {
  const [window, signature] = nonces.issue(NOW).split('.') as [string, string];
  assert.equal(nonces.accepts(undefined, NOW), false);
  assert.equal(nonces.accepts('', NOW), false);
  assert.equal(nonces.accepts(`${window}.${signature}x`, NOW), false);
  assert.equal(nonces.accepts(`${Number(window) + 1}.${signature}`, NOW + LIFETIME), false, 'the signature covers the window');
});
