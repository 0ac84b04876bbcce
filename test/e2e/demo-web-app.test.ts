// The Notes web app's own rules, without a browser or Gatehouse: the logout token checks of Back-Channel Logout 1.0
// §2.6, which sessions a logout token ends, how unfinished sign-ins are bounded, Gatehouse being down at a refresh, and
// the ID token signature check.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import { InvalidLogoutToken, logoutTokenVerifier } from '../../examples/web-app/backchannel-logout.js';
import { completeSignIn, discoverGatehouse } from '../../examples/web-app/gatehouse-client.js';
import { fetchNotes, NotesUnavailable } from '../../examples/web-app/notes-api.js';
import { SessionStore, type SignedIn, type SigningIn } from '../../examples/web-app/sessions.js';
import type { WebAppSettings } from '../../examples/web-app/settings.js';
import { freePort } from '../support/server.js';

const ISSUER = 'http://localhost:4500';
const CLIENT_ID = 'notes-web-app';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

describe('the web app: logout token checks (Back-Channel Logout 1.0 §2.6)', async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  const verify = logoutTokenVerifier({ issuer: ISSUER, clientId: CLIENT_ID, algorithm: 'RS256' }, keys);
  const now = Math.floor(Date.now() / 1000);

  /** A logout token as Gatehouse signs it, with `changes` (undefined removes a claim) and header `typ`. */
  function logoutToken(changes: Record<string, unknown> = {}, typ = 'logout+jwt'): Promise<string> {
    const claims: Record<string, unknown> = { iss: ISSUER, aud: CLIENT_ID, iat: now, exp: now + 120, jti: 'j1', sub: 'user-1', sid: 'sid-1', events: { [EVENT]: {} }, ...changes };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ }).sign(privateKey);
  }

  it('accepts a valid one and names its sid and sub', async () => {
    assert.deepEqual(await verify(await logoutToken()), { sid: 'sid-1', sub: 'user-1' });
    assert.deepEqual(await verify(await logoutToken({ sid: undefined })), { sid: undefined, sub: 'user-1' });
  });

  const refusals: [string, Record<string, unknown>, RegExp, string?][] = [
    ['another audience', { aud: 'another-client' }, /does not verify.*aud/],
    ['another issuer', { iss: 'http://localhost:4501' }, /does not verify.*iss/],
    ['issued too long ago', { iat: now - 600, exp: now + 60 }, /does not verify.*iat/],
    ['expired', { iat: now - 100, exp: now - 60 }, /does not verify.*exp/],
    ['no events', { events: undefined }, /does not verify.*events/],
    ['events without the back-channel logout event', { events: { 'http://example.com/other': {} } }, /lacks the back-channel logout event/],
    ['a back-channel logout event that is not an object', { events: { [EVENT]: 'yes' } }, /lacks the back-channel logout event/],
    ['neither sid nor sub', { sid: undefined, sub: undefined }, /names neither sid nor sub/],
    ['a nonce', { nonce: 'n' }, /carries a nonce/],
    ['typ JWT (an ID token or another JWT)', {}, /does not verify.*typ/, 'JWT'],
  ];
  for (const [what, changes, reason, typ] of refusals) {
    it(`refuses one with ${what}`, async () => {
      await assert.rejects(verify(await logoutToken(changes, typ)), (error: unknown) => error instanceof InvalidLogoutToken && reason.test(error.message));
    });
  }

  it('refuses one signed with a key not in the key set', async () => {
    const other = await generateKeyPair('RS256');
    const token = await new SignJWT({ iss: ISSUER, aud: CLIENT_ID, jti: 'j', sub: 's', events: { [EVENT]: {} } })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'logout+jwt' })
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(other.privateKey);
    await assert.rejects(verify(token), (error: unknown) => error instanceof InvalidLogoutToken && /signature/.test(error.message));
  });
});

const signedIn = (subject: string, sessionId: string | undefined): SignedIn => ({
  kind: 'signed-in',
  subject,
  name: subject,
  sessionId,
  idToken: 'id-token',
  refreshToken: 'refresh-token',
  apiToken: undefined,
  refreshing: undefined,
  formToken: 'form-token',
});
const signingIn = (): SigningIn => ({ kind: 'signing-in', codeVerifier: 'v', state: 's', nonce: 'n' });

describe('the web app: which sessions a logout token ends (Back-Channel Logout 1.0 §2.7)', () => {
  function store() {
    const sessions = new SessionStore();
    const cookies = { aliceHere: sessions.create(signedIn('alice', 'sid-a')), aliceThere: sessions.create(signedIn('alice', 'sid-b')), bob: sessions.create(signedIn('bob', 'sid-c')) };
    const kinds = () => Object.fromEntries(Object.entries(cookies).map(([name, cookie]) => [name, sessions.find(cookie)?.kind]));
    return { sessions, kinds };
  }

  it('with sid and sub: only that Gatehouse session of that subject', () => {
    const { sessions, kinds } = store();
    assert.equal(sessions.endByLogoutToken({ sid: 'sid-a', sub: 'alice' }), 1);
    assert.deepEqual(kinds(), { aliceHere: 'ended', aliceThere: 'signed-in', bob: 'signed-in' });
  });

  it('with sid and another sub: none', () => {
    const { sessions, kinds } = store();
    assert.equal(sessions.endByLogoutToken({ sid: 'sid-a', sub: 'bob' }), 0);
    assert.deepEqual(kinds(), { aliceHere: 'signed-in', aliceThere: 'signed-in', bob: 'signed-in' });
  });

  it('with sid only: that Gatehouse session', () => {
    const { sessions, kinds } = store();
    assert.equal(sessions.endByLogoutToken({ sid: 'sid-c', sub: undefined }), 1);
    assert.deepEqual(kinds(), { aliceHere: 'signed-in', aliceThere: 'signed-in', bob: 'ended' });
  });

  it('with sub only: every session of that subject', () => {
    const { sessions, kinds } = store();
    assert.equal(sessions.endByLogoutToken({ sid: undefined, sub: 'alice' }), 2);
    assert.deepEqual(kinds(), { aliceHere: 'ended', aliceThere: 'ended', bob: 'signed-in' });
  });
});

describe('the web app: unfinished sign-ins are bounded', () => {
  it('forgets a sign-in after 10 minutes, while a signed-in session lasts', () => {
    let now = 1_000_000;
    const sessions = new SessionStore(() => now);
    const pending = sessions.create(signingIn());
    const session = sessions.create(signedIn('alice', 'sid-a'));
    now += 10 * 60;
    assert.equal(sessions.find(pending)?.kind, 'signing-in');
    now += 1;
    assert.equal(sessions.find(pending), undefined);
    assert.equal(sessions.find(session)?.kind, 'signed-in');
  });

  it('beyond the cap, pushes out the oldest sign-in and never a signed-in session', () => {
    const sessions = new SessionStore(undefined, 3);
    const session = sessions.create(signedIn('alice', 'sid-a'));
    const pending = [1, 2, 3, 4, 5].map(() => sessions.create(signingIn()));
    assert.deepEqual(
      pending.map((cookie) => sessions.find(cookie)?.kind),
      [undefined, undefined, 'signing-in', 'signing-in', 'signing-in'],
    );
    assert.equal(sessions.find(session)?.kind, 'signed-in');
  });
});

describe('the web app: Gatehouse down when an access token is needed', () => {
  it('is NotesUnavailable (a page that says so), not an unexpected error', async () => {
    const closed = await freePort();
    const gatehouse = new client.Configuration({ issuer: ISSUER, token_endpoint: `http://127.0.0.1:${closed}/token` }, CLIENT_ID, undefined, client.ClientSecretBasic('secret'));
    client.allowInsecureRequests(gatehouse);
    const settings: WebAppSettings = { issuer: ISSUER, clientId: CLIENT_ID, clientSecret: 'secret', port: 0, publicUrl: 'http://localhost:0', notesApiUrl: `http://127.0.0.1:${closed}`, notesApiIdentifier: 'https://notes.example/' };
    await assert.rejects(fetchNotes(gatehouse, settings, signedIn('alice', 'sid-a')), (error: unknown) => error instanceof NotesUnavailable && /Gatehouse could not renew/.test(error.message));
  });
});

describe('the web app: the ID token from the token endpoint', () => {
  it('is refused when its signature is not by a key of the issuer\'s JWKS, even over plain http', async () => {
    const published = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    let issuer = '';
    let nonce = '';
    // A stand-in issuer whose token endpoint answers with an ID token signed by a key it never published.
    const fake = createServer((request, response) => {
      const json = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.url === '/.well-known/openid-configuration') {
        return json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
      }
      if (request.url === '/jwks') return json(jwks);
      const now = Math.floor(Date.now() / 1000);
      void new SignJWT({ iss: issuer, aud: CLIENT_ID, sub: 'alice', iat: now, exp: now + 60, nonce })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .sign(other.privateKey)
        .then((idToken) => json({ access_token: 'a', token_type: 'Bearer', expires_in: 60, refresh_token: 'r', id_token: idToken }));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
    try {
      const settings: WebAppSettings = { issuer, clientId: CLIENT_ID, clientSecret: 'secret', port: 0, publicUrl: 'http://localhost:3500', notesApiUrl: 'http://127.0.0.1:1', notesApiIdentifier: 'https://notes.example/' };
      const config = await discoverGatehouse(settings);
      const pending = signingIn();
      nonce = pending.nonce;
      const callback = new URL(`${settings.publicUrl}/callback?code=c&state=${pending.state}`);
      await assert.rejects(
        completeSignIn(config, settings, pending, callback, 'f'),
        (error: unknown) => error instanceof client.ClientError && error.cause instanceof Error && /JWT signature verification failed/.test(error.cause.message),
      );
    } finally {
      fake.close();
    }
  });
});
