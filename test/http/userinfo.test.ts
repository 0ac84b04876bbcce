// UserInfo over HTTP: claims by scope, where a bearer token may come from, and every RFC 6750 error branch.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { createAccessToken } from '../../src/tokens/access-token.js';
import { signJwt } from '../../src/tokens/jwt.js';
import { forEachEngine } from '../support/database.js';
import { epochNow, getUserInfo, startGrant, verifyJwt } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

forEachEngine((engine) => {
  describe(`userinfo (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let grant: Awaited<ReturnType<typeof startGrant>>;
    let familyId: string;
    before(async () => {
      grant = await startGrant(suite.server);
      familyId = String((await verifyJwt(suite.server, grant.tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer })).payload.gid);
    });

    const userinfo = (init: RequestInit = {}, query = '') => fetch(`${suite.server.url}/userinfo${query}`, init);

    async function assertBearerError(response: Response, status: number, error: string | null): Promise<void> {
      assert.equal(response.status, status);
      const challenge = response.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="gatehouse"/);
      if (error === null) {
        assert.equal(challenge, 'Bearer realm="gatehouse"', 'RFC 6750 §3.1: no error code without a token');
      } else {
        assert.match(challenge, new RegExp(`error="${error}"`));
        assert.equal(((await response.json()) as { error: string }).error, error);
      }
    }

    /** An access token for the grant's user and family, with claims changed as a forger or a clock would. */
    function accessToken(overrides: { issuer?: string; now?: number; typ?: string; scope?: string } = {}): string {
      const claims = { issuer: overrides.issuer ?? suite.server.config.issuer, userId: grant.user.userId, clientId: grant.as.client.clientId };
      const token = createAccessToken(
        { ...claims, scope: overrides.scope ?? 'openid', authTime: epochNow(), familyId, now: overrides.now ?? epochNow(), ttl: 60 },
        suite.server.keyRing.activeKey('ES256')!,
      );
      if (overrides.typ === undefined) return token;
      const [, payload] = token.split('.');
      return signJwt({ typ: overrides.typ }, JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>, suite.server.keyRing.activeKey('ES256')!);
    }

    it('returns the claims the scope releases, with no-store', async () => {
      const response = await getUserInfo(suite.server, grant.tokens.access_token);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const { user } = grant;
      assert.deepEqual(await response.json(), {
        sub: user.userId,
        name: 'Ada Lovelace',
        preferred_username: user.username,
        updated_at: user.updatedAt,
        email: user.email,
        email_verified: false,
      });
      const openidOnly = await getUserInfo(suite.server, accessToken({ scope: 'openid' }));
      assert.deepEqual(await openidOnly.json(), { sub: user.userId });
      const emailOnly = await getUserInfo(suite.server, accessToken({ scope: 'openid email' }));
      assert.deepEqual(Object.keys((await emailOnly.json()) as object).sort(), ['email', 'email_verified', 'sub']);
    });

    it('takes the token from the header with any case of the scheme, by GET or POST, or from a form body', async () => {
      const token = grant.tokens.access_token;
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        assert.equal((await userinfo({ headers: { authorization: `${scheme} ${token}` } })).status, 200, scheme);
      }
      assert.equal((await userinfo({ method: 'POST', headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await userinfo({ method: 'POST', headers: FORM, body: `access_token=${token}` })).status, 200);
    });

    it('refuses a token in the query, even beside a valid header', async () => {
      const token = grant.tokens.access_token;
      await assertBearerError(await userinfo({}, `?access_token=${token}`), 400, 'invalid_request');
      await assertBearerError(await userinfo({ headers: { authorization: `Bearer ${token}` } }, `?access_token=${token}`), 400, 'invalid_request');
      await assertBearerError(await userinfo({ method: 'POST', headers: FORM, body: '' }, `?access_token=${token}`), 400, 'invalid_request');
    });

    it('refuses a token sent two ways, a malformed header, and an oversized or repeated body parameter', async () => {
      const token = grant.tokens.access_token;
      const both = await userinfo({ method: 'POST', headers: { ...FORM, authorization: `Bearer ${token}` }, body: `access_token=${token}` });
      await assertBearerError(both, 400, 'invalid_request');
      for (const authorization of ['Bearer', 'Bearer a b', 'Bearer <script>']) {
        await assertBearerError(await userinfo({ headers: { authorization } }), 400, 'invalid_request');
      }
      const large = `access_token=${'a'.repeat(suite.server.config.limits.parameterBytes + 1)}`;
      await assertBearerError(await userinfo({ method: 'POST', headers: FORM, body: large }), 400, 'invalid_request');
      await assertBearerError(await userinfo({ method: 'POST', headers: FORM, body: `access_token=${token}&access_token=${token}` }), 400, 'invalid_request');
    });

    it('answers no token at all with a bare challenge', async () => {
      await assertBearerError(await userinfo(), 401, null);
      await assertBearerError(await userinfo({ method: 'POST' }), 401, null);
      await assertBearerError(await userinfo({ headers: { authorization: 'Basic YTpi' } }), 401, null);
      // RFC 6750 §2.2: only a form body carries a token.
      const json = await userinfo({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: grant.tokens.access_token }) });
      await assertBearerError(json, 401, null);
    });

    it('refuses malformed, expired, forged, foreign and wrongly typed tokens with invalid_token', async () => {
      const valid = grant.tokens.access_token;
      const [header, payload, signature] = valid.split('.');
      const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const foreign = signJwt({ typ: 'at+jwt' }, JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>, {
        kid: suite.server.keyRing.activeKey('ES256')!.kid, alg: 'ES256', privateKey: otherKey,
      });
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
      const cases: Record<string, string> = {
        garbage: 'not-a-jwt',
        'bad signature': `${header}.${payload}.${flipped}`,
        'another key': foreign,
        'alg none': unsigned,
        expired: accessToken({ now: epochNow() - 60 - suite.server.config.tokens.clockTolerance - 5 }),
        'other issuer': accessToken({ issuer: 'https://evil.example' }),
        'ID token': grant.tokens.id_token!,
        'typ JWT': accessToken({ typ: 'JWT' }),
      };
      for (const [name, token] of Object.entries(cases)) {
        await assertBearerError(await getUserInfo(suite.server, token), 401, 'invalid_token').catch((error: unknown) => {
          throw new Error(`${name}: ${String(error)}`);
        });
      }
      assert.equal((await getUserInfo(suite.server, accessToken({ now: epochNow() - 60 - 5 }))).status, 200, 'within the clock tolerance');
    });

    it('refuses a token of a revoked family or a disabled user with invalid_token', async () => {
      const revoked = await startGrant(suite.server);
      const { payload } = await verifyJwt(suite.server, revoked.tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      await suite.server.store.refreshTokens.revokeFamily(String(payload.gid), 'test', epochNow());
      await assertBearerError(await getUserInfo(suite.server, revoked.tokens.access_token), 401, 'invalid_token');
      const disabled = await startGrant(suite.server);
      await suite.server.store.users.disable(disabled.user.userId, epochNow());
      await assertBearerError(await getUserInfo(suite.server, disabled.tokens.access_token), 401, 'invalid_token');
    });

    it('refuses a token without openid with insufficient_scope (403)', async () => {
      const plain = await startGrant(suite.server, 'profile');
      await assertBearerError(await getUserInfo(suite.server, plain.tokens.access_token), 403, 'insufficient_scope');
    });

    it('keeps accepting tokens across a signing key rotation', async () => {
      const before = await startGrant(suite.server);
      await suite.server.keyRing.rotate(epochNow());
      const afterRotation = await startGrant(suite.server);
      assert.equal((await getUserInfo(suite.server, before.tokens.access_token)).status, 200, 'signed by the retired key');
      assert.equal((await getUserInfo(suite.server, afterRotation.tokens.access_token)).status, 200, 'signed by the new key');
    });

    it('answers other methods with 405 and advertises itself in discovery', async () => {
      const response = await userinfo({ method: 'DELETE' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, POST, HEAD');
      const document = (await (await fetch(`${suite.server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(document.userinfo_endpoint, `${suite.server.config.issuer}/userinfo`);
      assert.deepEqual(document.subject_types_supported, ['public']);
      for (const claim of ['sub', 'name', 'preferred_username', 'updated_at', 'email', 'email_verified', 'auth_time', 'nonce', 'sid']) {
        assert.ok((document.claims_supported as string[]).includes(claim), claim);
      }
    });
  });
});
