// Tests for device cookies: bound to one account by hash, signed with their expiry, recognised by a stable device id.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMessageAuthentication } from '../tokens/keys/message-authentication.js';
import { DEVICE_COOKIE_PURPOSE, DeviceCookies } from './device-cookies.js';
import { hashUsername } from './login-throttle.js';

const NOW = 1_700_000_000;
const TTL = 86_400;
const signatures = createMessageAuthentication({ current: 'device-cookie-test-secret-0123456789abcdef', previous: [] }, DEVICE_COOKIE_PURPOSE);
const cookies = new DeviceCookies(signatures, TTL);
const ada = hashUsername('ada');

describe('device cookies', () => {
  it('carries the username only as its hash, and a fresh device id each time', () => {
    const cookie = cookies.issue(ada, NOW);
    assert.ok(!cookie.includes('ada'));
    assert.equal(cookie.split('.')[0], ada);
    const first = cookies.recognise(cookie, ada, NOW);
    assert.match(first ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(cookies.recognise(cookie, ada, NOW + 100), first, 'the same cookie is the same device');
    assert.notEqual(cookies.recognise(cookies.issue(ada, NOW), ada, NOW), first, 'a new cookie is a new device');
  });

  it('is recognised only for its own account', () => {
    assert.equal(cookies.recognise(cookies.issue(ada, NOW), hashUsername('Ada'), NOW), undefined);
  });

  it('expires after its lifetime, and the signed expiry cannot be moved', () => {
    const cookie = cookies.issue(ada, NOW);
    assert.notEqual(cookies.recognise(cookie, ada, NOW + TTL - 1), undefined);
    assert.equal(cookies.recognise(cookie, ada, NOW + TTL), undefined);
    const [account, nonce, , signature] = cookie.split('.');
    assert.equal(cookies.recognise([account, nonce, NOW + 2 * TTL, signature].join('.'), ada, NOW + TTL), undefined);
  });

  it('recognises nothing in an absent, malformed or foreign value', () => {
    const foreign = new DeviceCookies(createMessageAuthentication({ current: 'another-deployment-secret-0123456789abcdef', previous: [] }, DEVICE_COOKIE_PURPOSE), TTL);
    for (const value of [undefined, '', 'x', '....', `${cookies.issue(ada, NOW)}.extra`, foreign.issue(ada, NOW)]) {
      assert.equal(cookies.recognise(value, ada, NOW), undefined, JSON.stringify(value));
    }
  });
});
