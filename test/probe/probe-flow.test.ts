// The probe's checks, one at a time, in process against a scripted issuer: each broken behaviour fails the step that
// should notice it, with a reason that never quotes a secret.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ProbeSettings } from '../../src/probe/probe-settings.js';
import { runProbe, type ProbeResult } from '../../src/probe/run-probe.js';
import { FAKE_CLIENT_ID, FAKE_PASSWORD, FAKE_REDIRECT_URI, FakeIssuer, json, LOGIN_PAGE, page, type Knobs } from './fake-issuer.js';

const issuer = new FakeIssuer();
before(() => issuer.start());
after(() => issuer.stop());
beforeEach(() => (issuer.knobs = {}));

function settings(overrides: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    issuer: issuer.url,
    client: { clientId: FAKE_CLIENT_ID, authentication: 'client_secret_basic', clientSecret: 'fake secret', redirectUri: FAKE_REDIRECT_URI },
    username: 'probe',
    password: FAKE_PASSWORD,
    scope: 'openid offline_access',
    timeoutSeconds: 5,
    clockToleranceSeconds: 0,
    ...overrides,
  };
}

async function probeWith(knobs: Knobs, overrides: Partial<ProbeSettings> = {}): Promise<ProbeResult> {
  issuer.knobs = knobs;
  return runProbe(settings(overrides), 'probe-test');
}

function assertFailed(result: ProbeResult, step: string, reason: RegExp): void {
  const failed = result.steps.find((outcome) => outcome.status === 'failed');
  assert.ok(failed?.status === 'failed', `expected a failure at ${step}, got ${JSON.stringify(result.steps)}`);
  assert.equal(failed.step, step, failed.reason);
  assert.match(failed.reason, reason);
  assert.equal(result.success, false);
  assert.equal(result.steps.at(-1), failed, 'nothing runs after the failed step');
}

describe('probe flow against a scripted issuer', () => {
  it('passes every step of a correct issuer', async () => {
    const result = await probeWith({});
    assert.deepEqual(result.steps.map((outcome) => outcome.status), Array(10).fill('ok'), JSON.stringify(result.steps));
  });

  it('refuses pages that would take the credentials elsewhere or loop', async () => {
    assertFailed(await probeWith({ loginPage: LOGIN_PAGE.replace('action="/login"', 'action="https://evil.example/login"') }), 'authorize', /posts to another origin \(https:\/\/evil\.example\)/);
    assertFailed(await probeWith({ loginPage: '<p>down for maintenance</p>' }), 'authorize', /a page without a login form \(status 200\)/);
    assertFailed(await probeWith({ loginPage: LOGIN_PAGE.replace('type="text"', 'type="checkbox"') }), 'authorize', /no username field/);
    assertFailed(await probeWith({ afterLogin: 'https://elsewhere.example/next' }), 'login', /redirected to another origin \(https:\/\/elsewhere\.example\)/);
    assertFailed(await probeWith({ afterLogin: '/not-found' }), 'login', /the login ended on an error page \(status 404\)/);
    assertFailed(await probeWith({ afterLogin: '/loop' }), 'login', /more than 10 redirects/);
    assertFailed(await probeWith({ loginPage: 'x'.repeat(300 * 1024) }), 'authorize', /the page: the answer is larger than 262144 bytes/);
  });

  it('names what the login page said, never the password it echoed', async () => {
    const result = await probeWith({}, { password: 'the wrong one' });
    assertFailed(result, 'login', /the login form came back \(status 200\): "Invalid username or password\."/);
    issuer.knobs = {};
    const echoed = await runProbe(settings({ password: 'Invalid' }), 'probe-test');
    assertFailed(echoed, 'login', /"\[redacted\] username or password\."/);
  });

  it('fails authorize on an error page or a redirect back before any login', async () => {
    assertFailed(await probeWith({ answers: { 'GET /authorize': page('<p role="alert">Unknown client.</p>', 400) } }), 'authorize', /ended on an error page \(status 400\): "Unknown client\."/);
    const refused = { status: 303, headers: { location: `${FAKE_REDIRECT_URI}?error=invalid_scope` } };
    assertFailed(await probeWith({ answers: { 'GET /authorize': refused } }), 'authorize', /sent back to the client before any login: invalid_scope/);
  });

  it('fails discovery on a document without an endpoint, and id_token on a broken key set', async () => {
    const document = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assertFailed(await probeWith({ answers: { 'GET /.well-known/openid-configuration': json(200, { ...document, revocation_endpoint: undefined }) } }), 'discovery', /revocation_endpoint is missing/);
    assertFailed(await probeWith({ answers: { 'GET /jwks': json(200, { keys: 'none' }) } }), 'id_token', /jwks_uri did not answer a JWK Set/);
  });

  it('fails consent when no Allow button is offered, or Allow does not lead back to the client', async () => {
    assertFailed(await probeWith({ answers: { 'POST /consent': page('<p role="alert">Something broke.</p>', 500) } }), 'consent', /did not lead back to the client \(status 500\)/);
    assertFailed(await probeWith({ consentPage: '<form method="post"><button type="submit" name="go" value="later">Later</button></form>' }), 'consent', /neither the client's redirect nor a consent form/);
  });

  it('checks the authorization response: error, state, iss and code', async () => {
    assertFailed(await probeWith({ response: { error: 'access_denied', code: undefined } }), 'redirect', /is an error: access_denied/);
    assertFailed(await probeWith({ response: { state: 'another' } }), 'redirect', /state .* is not the one sent/);
    assertFailed(await probeWith({ response: { iss: undefined } }), 'redirect', /iss .* is not the issuer/);
    assertFailed(await probeWith({ response: { code: undefined } }), 'redirect', /carries no code/);
  });

  it('checks the token answer', async () => {
    assertFailed(await probeWith({ tokenType: 'DPoP' }), 'token', /not Bearer/);
    assertFailed(await probeWith({ withoutRefreshToken: true }), 'token', /no refresh_token/);
  });

  it('checks the ID token: nonce, audience, issuer, expiry, subject', async () => {
    assertFailed(await probeWith({ idTokenClaims: { nonce: 'replayed' } }), 'id_token', /nonce claim does not match/);
    assertFailed(await probeWith({ idTokenClaims: { aud: 'another-client' } }), 'id_token', /the aud claim is not as expected/);
    assertFailed(await probeWith({ idTokenClaims: { aud: [FAKE_CLIENT_ID, 'another'] } }), 'id_token', /azp claim is not this client/);
    assertFailed(await probeWith({ idTokenClaims: { iss: 'https://elsewhere.example' } }), 'id_token', /the iss claim is not as expected/);
    assertFailed(await probeWith({ idTokenClaims: { exp: Math.floor(Date.now() / 1000) - 60 } }), 'id_token', /has expired/);
    assertFailed(await probeWith({ idTokenClaims: { sub: 42 } }), 'id_token', /the sub claim is not a string/);
  });

  it('checks userinfo, rotation and revocation', async () => {
    assertFailed(await probeWith({ userinfoSub: 'someone-else' }), 'userinfo', /sub is not the ID token sub/);
    assertFailed(await probeWith({ withoutRotation: true }), 'refresh', /repeats the refresh token used/);
    assertFailed(await probeWith({ ignoreRevocation: true }), 'revocation', /the revoked refresh token was still accepted/);
    assertFailed(await probeWith({ answers: { 'POST /revoke': json(401, { error: 'invalid_client' }) } }), 'revocation', /the revocation endpoint answered 401 invalid_client/);
  });
});
