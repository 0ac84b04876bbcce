// The refresh retry window is bound to the first rotation's origin: the same client, scope, IP and User-Agent get the
// stored response; the same token and client from anywhere else is a reuse (SECURITY.md (refresh tokens)).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromClientIp, TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { forEachEngine } from '../support/database.js';
import {
  assertTokenError,
  auditEvents,
  getUserInfo,
  postToken,
  startGrant,
  type TestClient,
  type TokenResponseBody,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const APP_IP = '198.51.100.10';
const APP_AGENT = 'first-app/1.0';
const from = (ip: string, userAgent: string) => ({ ...fromClientIp(ip), 'user-agent': userAgent });

forEachEngine((engine) => {
  describe(`refresh retry window bound to the first rotation's origin (${engine.name})`, () => {
    const suite = useTestServer(engine, TRUSTING_LOOPBACK_PROXY);

    const refresh = (as: TestClient, refreshToken: string, headers: Record<string, string>) =>
      postToken(suite.server, { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'openid profile' }, { as, headers });

    /** A grant whose refresh token was rotated once from the app's origin; returns the first successor response. */
    async function rotatedOnce(): Promise<{ as: TestClient; rotated: string; successor: TokenResponseBody; familyId: string }> {
      const { as, tokens } = await startGrant(suite.server);
      const response = await refresh(as, tokens.refresh_token!, from(APP_IP, APP_AGENT));
      assert.equal(response.status, 200);
      const successor = (await response.json()) as TokenResponseBody;
      const { payload } = await verifyJwt(suite.server, successor.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      return { as, rotated: tokens.refresh_token!, successor, familyId: String(payload.gid) };
    }

    async function assertReuseFrom(origin: { ip: string; userAgent: string }): Promise<void> {
      const { as, rotated, successor, familyId } = await rotatedOnce();
      await assertTokenError(await refresh(as, rotated, from(origin.ip, origin.userAgent)), 'invalid_grant');
      // The family is revoked: the first successor and its access token stop working.
      await assertTokenError(await refresh(as, successor.refresh_token!, from(APP_IP, APP_AGENT)), 'invalid_grant');
      assert.equal((await getUserInfo(suite.server, successor.access_token)).status, 401);
      assert.equal((await suite.server.store.refreshTokens.findFamily(familyId))?.revokedReason, 'refresh_token_reused');
      const reused = (await auditEvents(suite.server, 'refresh_token.reused')).find((event) => event.details.familyId === familyId);
      assert.ok(reused, 'a reuse event');
      assert.deepEqual([reused.ip, reused.userAgent], [origin.ip, origin.userAgent], 'the second origin');
      assert.deepEqual(reused.details.firstUse, { ip: APP_IP, userAgent: APP_AGENT }, 'the first origin');
    }

    it('answers the genuine retry (same client, scope, IP and User-Agent) with the same response', async () => {
      const { as, rotated, successor } = await rotatedOnce();
      const retry = await refresh(as, rotated, from(APP_IP, APP_AGENT));
      assert.equal(retry.status, 200);
      assert.deepEqual(await retry.json(), successor);
    });

    it('treats the same client and scope from another IP within the window as a reuse', async () => {
      await assertReuseFrom({ ip: '203.0.113.66', userAgent: APP_AGENT });
    });

    it('treats the same client and scope with another User-Agent within the window as a reuse', async () => {
      await assertReuseFrom({ ip: APP_IP, userAgent: 'thief/0.1' });
    });
  });
});
