// Redirect URI registration policy and byte-for-byte matching, including the RFC 8252 loopback port exception.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchRedirectUri, validateRedirectUri } from '../../src/clients/redirect-uri.js';

function reasonFor(uri: string): string {
  const check = validateRedirectUri(uri);
  assert.equal(check.ok, false, `expected ${uri} to be refused`);
  return check.ok ? '' : check.reason;
}

describe('validateRedirectUri', () => {
  it('accepts https, loopback http and reverse-domain private-use schemes', () => {
    for (const uri of [
      'https://app.example.com/callback',
      'https://app.example.com:8443/cb?tenant=a',
      'http://127.0.0.1/callback',
      'http://127.0.0.1:53412/callback',
      'http://[::1]/callback',
      'http://localhost:3000/callback',
      'com.example.app:/oauth2redirect',
      'com.example.app:callback',
      'net.example.native-app://callback',
    ]) {
      assert.deepEqual(validateRedirectUri(uri), { ok: true }, uri);
    }
  });

  it('refuses each broken rule with a reason naming it', () => {
    const cases: [string, RegExp][] = [
      ['', /must not be empty/],
      ['/callback', /absolute URL/],
      ['app.example.com/callback', /absolute URL/],
      ['https://app.example.com/cb#section', /must not contain a fragment/],
      ['https://app.example.com/cb#', /must not contain a fragment/],
      ['https://*.example.com/cb', /wildcard/],
      ['https://app.example.com/*', /wildcard/],
      ['https://good.example@evil.example/cb', /userinfo/],
      ['https://user:pass@app.example.com/cb', /userinfo/],
      ['https://@evil.example/cb', /userinfo/],
      ['http://app.example.com/callback', /must use https/],
      ['http://127.0.0.1.nip.io/callback', /must use https/],
      ['http://localhost.evil.example/callback', /must use https/],
      ['https:app.example.com/cb', /with a host/],
      ['https://evil.example\\@good.example/cb', /backslash/],
      ['https://app.example.com/c b', /whitespace or control/],
      ['https://app.example.com/cb\n', /whitespace or control/],
      [`https://app.example.com/${'a'.repeat(2100)}`, /at most 2048/],
    ];
    for (const [uri, reason] of cases) assert.match(reasonFor(uri), reason, JSON.stringify(uri));
  });

  it('refuses dangerous schemes and private-use schemes that are not reverse-domain style', () => {
    for (const uri of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'vbscript:msgbox', 'about:blank', 'blob:https://a.example/x']) {
      assert.match(reasonFor(uri), /scheme ".+:" is not allowed$/, uri);
    }
    assert.match(reasonFor('myapp:/callback'), /reverse-domain style/);
    assert.match(reasonFor('Com.Example.App:/callback'), /lower-case reverse-domain/);
  });
});

describe('matchRedirectUri', () => {
  const publicClient = (redirectUris: readonly string[]) => ({ redirectUris, clientType: 'public' as const });
  const confidentialClient = (redirectUris: readonly string[]) => ({ redirectUris, clientType: 'confidential' as const });
  const registered = confidentialClient(['https://app.example.com/callback', 'https://app.example.com/cb?tenant=a', 'http://localhost:3000/cb']);

  it('matches a registered URI exactly and returns it', () => {
    assert.equal(matchRedirectUri(registered, 'https://app.example.com/callback'), 'https://app.example.com/callback');
    assert.equal(matchRedirectUri(registered, 'https://app.example.com/cb?tenant=a'), 'https://app.example.com/cb?tenant=a');
  });

  it('refuses every near miss', () => {
    for (const requested of [
      'https://app.example.com/callback/',
      'https://app.example.com/Callback',
      'https://APP.example.com/callback',
      'HTTPS://app.example.com/callback',
      'https://app.example.com/callback?extra=1',
      'https://app.example.com/cb',
      'https://app.example.com/cb?tenant=b',
      'https://app.example.com/cb?tenant=a&x=1',
      'https://app.example.com:443/callback',
      'https://app.example.com:8443/callback',
      'http://app.example.com/callback',
      'https://evil.app.example.com/callback',
      'https://app.example.com.evil.example/callback',
      'https://app.example.com/callback/../evil',
      'https://app.example.com/callbackx',
      'https://app.example.com/callback#frag',
      'https://app.example.com@evil.example/callback',
      'https://app.example.com/%63allback',
      'http://localhost:3001/cb',
      'http://localhost/cb',
      '',
    ]) {
      assert.equal(matchRedirectUri(registered, requested), undefined, requested);
    }
  });

  it("accepts any port for a public client's registered loopback IP literal and nothing else loosely (RFC 8252 §7.3)", () => {
    const native = publicClient(['http://127.0.0.1/callback', 'http://[::1]/cb?x=1']);
    assert.equal(matchRedirectUri(native, 'http://127.0.0.1:51004/callback'), 'http://127.0.0.1:51004/callback');
    assert.equal(matchRedirectUri(native, 'http://127.0.0.1/callback'), 'http://127.0.0.1/callback');
    assert.equal(matchRedirectUri(native, 'http://[::1]:8080/cb?x=1'), 'http://[::1]:8080/cb?x=1');
    assert.equal(matchRedirectUri(publicClient(['http://127.0.0.1:9000/callback']), 'http://127.0.0.1:9001/callback'), 'http://127.0.0.1:9001/callback');
    for (const requested of [
      'http://127.0.0.1:51004/callback/',
      'http://127.0.0.1:51004/other',
      'http://127.0.0.1:99999/callback',
      'http://127.0.0.1:0/callback',
      'http://127.0.0.1:/callback',
      'http://127.0.0.1:080/callback',
      'https://127.0.0.1:51004/callback',
      'http://127.0.0.2:51004/callback',
      'http://127.0.0.1:51004@evil.example/callback',
      'http://[::1]:8080/cb?x=2',
      'http://[::1]:8080/callback',
      'http://localhost:51004/callback',
    ]) {
      assert.equal(matchRedirectUri(native, requested), undefined, requested);
    }
  });

  it('holds localhost to its registered port, even for a public client (RFC 8252 §8.3)', () => {
    assert.equal(matchRedirectUri(publicClient(['http://localhost/cb']), 'http://localhost:8080/cb'), undefined);
    assert.equal(matchRedirectUri(publicClient(['http://localhost:3000/cb']), 'http://localhost:3000/cb'), 'http://localhost:3000/cb');
  });

  it("matches a confidential client's loopback URIs byte for byte: the any-port rule is for native apps only", () => {
    const web = confidentialClient(['http://127.0.0.1:9000/callback', 'http://[::1]/cb']);
    assert.equal(matchRedirectUri(web, 'http://127.0.0.1:9000/callback'), 'http://127.0.0.1:9000/callback');
    assert.equal(matchRedirectUri(web, 'http://127.0.0.1:9001/callback'), undefined);
    assert.equal(matchRedirectUri(web, 'http://[::1]:8080/cb'), undefined);
  });
});
