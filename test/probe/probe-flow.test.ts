// The probe's checks, one at a time, in process against a scripted issuer: each broken behaviour fails the step that
// should notice it, with a reason that never quotes a secret.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { discover } from '../../src/probe/discovery.js';
import { ProbeHttp } from '../../src/probe/probe-http.js';
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

  it('fails discovery without what the flow needs, or with endpoints the password or secret would leave loopback for', async () => {
    assertFailed(await probeWith({ discovery: { response_types_supported: ['token'] } }), 'discovery', /response_types_supported lacks "code"/);
    assertFailed(await probeWith({ discovery: { id_token_signing_alg_values_supported: undefined } }), 'discovery', /id_token_signing_alg_values_supported is missing/);
    assertFailed(await probeWith({ discovery: { token_endpoint: 'http://gatehouse.example/token' } }), 'discovery', /token_endpoint is not https/);
    const elsewhere = issuer.url.replace('127.0.0.1', 'localhost');
    assertFailed(await probeWith({ discovery: { authorization_endpoint: `${elsewhere}/authorize` } }), 'discovery', /authorization_endpoint is not on the issuer's origin/);
  });

  it('refuses an http endpoint, loopback or not, when the issuer is https', async () => {
    const https = 'https://issuer.example';
    const document = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).text()).replaceAll(issuer.url, https);
    const answering = (body: string) => new (class extends ProbeHttp {
      override send(): Promise<Response> {
        return Promise.resolve(new Response(body, { status: 200 }));
      }
    })('probe-test');
    const signal = AbortSignal.timeout(5000);
    assert.equal((await discover(answering(document), https, signal)).tokenEndpoint.href, `${https}/token`);
    const withHttpToken = document.replace(`${https}/token`, 'http://127.0.0.1/token');
    await assert.rejects(discover(answering(withHttpToken), https, signal), /discovery: token_endpoint is not https/);
  });

  it('refuses an ID token whose signature fails, by a key not published, or not asymmetric', async () => {
    assertFailed(await probeWith({ idTokenSigning: 'wrong-key' }), 'id_token', /the signature does not verify/);
    assertFailed(await probeWith({ idTokenSigning: 'unknown-key' }), 'id_token', /no key of the JWK Set matches the ID token/);
    const withHmac = { id_token_signing_alg_values_supported: ['RS256', 'HS256'] };
    assertFailed(await probeWith({ idTokenSigning: 'HS256', discovery: withHmac }), 'id_token', /not one of the asymmetric ones discovery lists/);
    const noAsymmetric = /discovery lists no asymmetric ID token signing algorithm/;
    assertFailed(await probeWith({ discovery: { id_token_signing_alg_values_supported: ['HS256'] } }), 'id_token', noAsymmetric);
    assertFailed(await probeWith({ discovery: { id_token_signing_alg_values_supported: ['none'] } }), 'id_token', noAsymmetric);
  });

  it('fails the token step without an access token or an ID token', async () => {
    assertFailed(await probeWith({ tokenAnswer: { access_token: undefined } }), 'token', /answered the code without an access_token/);
    assertFailed(await probeWith({ tokenAnswer: { id_token: undefined } }), 'token', /no id_token in the token answer/);
  });

  it('fails on an answer that is not JSON or not a JSON object', async () => {
    assertFailed(await probeWith({ answers: { 'GET /userinfo': page('<p>hello</p>') } }), 'userinfo', /the userinfo endpoint answered 200 without a JSON body/);
    assertFailed(await probeWith({ answers: { 'GET /userinfo': json(200, ['user-1']) } }), 'userinfo', /the userinfo endpoint did not answer a JSON object/);
  });

  it('fails revocation when the revoked token is refused with another error than invalid_grant', async () => {
    assertFailed(await probeWith({ revokedError: 'invalid_request' }), 'revocation', /refused with 400 invalid_request, not invalid_grant/);
  });

  it('forgets a cookie the issuer deletes with Max-Age or a past Expires, and keeps one still valid', async () => {
    const sentToConsent = async (cookieAfterLogin: string) => {
      assert.equal((await probeWith({ cookieAfterLogin })).success, true);
      return issuer.cookiesSeen.get('GET /consent') ?? '';
    };
    assert.doesNotMatch(await sentToConsent('fake_session=s1; Path=/; Max-Age=0'), /fake_session/);
    assert.doesNotMatch(await sentToConsent('fake_session=s1; Path=/; Max-Age=-1'), /fake_session/);
    assert.doesNotMatch(await sentToConsent('fake_session=s1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'), /fake_session/);
    assert.match(await sentToConsent('fake_session=s2; Path=/; Max-Age=600'), /fake_session=s2/);
  });
});
