// Refresh reuse detection and the retry window: a benign retry gets the very same response; anything else is a reuse
// that revokes the family and records both requests' origins. The kept response is encrypted and dies with the window.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { forEachEngine, type TestStore } from '../support/database.js';
import {
  assertTokenError,
  auditEvents,
  epochNow,
  getUserInfo,
  postToken,
  startGrant,
  type TestClient,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { sweepExpiredState, sweepPolicy } from '../../src/maintenance/sweeper.js';
import { useTestServer, type TestServer } from '../support/server.js';

const FIRST_APP = { 'user-agent': 'first-app/1.0' };
const SECOND_APP = { 'user-agent': 'second-app/2.0' };

forEachEngine((engine) => {
  describe(`refresh reuse and the retry window (${engine.name})`, () => {
    const windowOn = useTestServer(engine);
    const windowOffSuite = useTestServer(engine, { GATEHOUSE_TOKENS_REFRESH_RETRY_WINDOW: '0' });

    const refresh = (on: TestServer, as: TestClient, refreshToken: string, extra: Record<string, string> = {}, headers = FIRST_APP) =>
      postToken(on, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, { as, headers });
    const storedRow = async (on: TestStore, refreshToken: string) =>
      (await on.sql(`select * from refresh_tokens where token_hash = '${hashOpaqueValue(refreshToken)}'`))[0] as Record<string, unknown>;
    const familyOf = async (on: TestServer, accessToken: string) =>
      String((await verifyJwt(on, accessToken, { typ: 'at+jwt', audience: on.config.issuer })).payload.gid);

    /** SECURITY.md: the family is revoked: its newest refresh token and its access tokens stop working. */
    async function assertFamilyRevoked(on: TestServer, as: TestClient, latest: { refresh_token?: string; access_token: string }): Promise<void> {
      await assertTokenError(await refresh(on, as, latest.refresh_token!), 'invalid_grant');
      assert.equal((await getUserInfo(on, latest.access_token)).status, 401);
    }

    it('answers a retry within the window, same client, scope and origin, with the very same response', async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      const first = await refresh(windowOn.server, as, tokens.refresh_token!, { scope: 'openid profile' });
      const retry = await refresh(windowOn.server, as, tokens.refresh_token!, { scope: 'openid profile' }, FIRST_APP);
      assert.equal(first.status, 200);
      assert.equal(retry.status, 200);
      const body = await first.text();
      assert.equal(await retry.text(), body, 'byte for byte');
      assert.equal(retry.headers.get('cache-control'), 'no-store');
      const successor = JSON.parse(body) as { refresh_token: string; access_token: string };
      const familyId = await familyOf(windowOn.server, successor.access_token);
      assert.equal((await windowOn.server.store.refreshTokens.findFamily(familyId))?.revokedAt, null, 'no revocation');
      const retried = await auditEvents(windowOn.server, 'refresh_token.retried');
      assert.ok(retried.some((event) => event.details.familyId === familyId && event.userAgent === FIRST_APP['user-agent']));
      // The one successor carries the family on.
      assert.equal((await refresh(windowOn.server, as, successor.refresh_token)).status, 200);
    });

    it('keeps the retry response only encrypted, never the tokens in plain text', async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      const response = (await (await refresh(windowOn.server, as, tokens.refresh_token!)).json()) as { refresh_token: string; access_token: string };
      const stored = await storedRow(windowOn.database, tokens.refresh_token!);
      const envelope = String(stored.retry_response);
      assert.match(envelope, /^v1\./);
      for (const secret of [response.refresh_token, response.access_token, response.access_token.split('.')[1]!]) {
        assert.ok(!envelope.includes(secret));
      }
      assert.equal(Number(stored.retry_until), Number(stored.rotated_at) + windowOn.server.config.tokens.refreshRetryWindow);
    });

    it('treats a retry with a different scope as a reuse: the family is revoked and both origins recorded', async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      const first = (await (await refresh(windowOn.server, as, tokens.refresh_token!)).json()) as { refresh_token: string; access_token: string };
      await assertTokenError(await refresh(windowOn.server, as, tokens.refresh_token!, { scope: 'openid' }, SECOND_APP), 'invalid_grant');
      await assertFamilyRevoked(windowOn.server, as, first);
      const familyId = await familyOf(windowOn.server, first.access_token);
      const reused = (await auditEvents(windowOn.server, 'refresh_token.reused')).find((event) => event.details.familyId === familyId);
      assert.ok(reused, 'a reuse event in the audit trail');
      assert.equal(reused.userAgent, SECOND_APP['user-agent']);
      assert.deepEqual(reused.details.firstUse, { ip: '127.0.0.1', userAgent: FIRST_APP['user-agent'] });
      assert.equal(reused.clientId, as.client.clientId);
      assert.equal((await windowOn.server.store.refreshTokens.findFamily(familyId))?.revokedReason, 'refresh_token_reused');
      // Even the retry that would have matched gets nothing once the family is revoked.
      await assertTokenError(await refresh(windowOn.server, as, tokens.refresh_token!), 'invalid_grant');
    });

    it('treats a presentation after the window as a reuse, and drops the kept response', async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      const first = (await (await refresh(windowOn.server, as, tokens.refresh_token!)).json()) as { refresh_token: string; access_token: string };
      // Time passes beyond the window.
      const past = epochNow() - 1;
      await windowOn.database.sql(`update refresh_tokens set retry_until = ${past} where token_hash = '${hashOpaqueValue(tokens.refresh_token!)}'`);
      await assertTokenError(await refresh(windowOn.server, as, tokens.refresh_token!), 'invalid_grant');
      await assertFamilyRevoked(windowOn.server, as, first);
      const stored = await storedRow(windowOn.database, tokens.refresh_token!);
      assert.deepEqual([stored.retry_response, stored.retry_until, stored.retry_fingerprint], [null, null, null]);
    });

    it('leaves kept responses to the sweeper, which drops them once their window has passed', async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      await refresh(windowOn.server, as, tokens.refresh_token!);
      assert.notEqual((await storedRow(windowOn.database, tokens.refresh_token!)).retry_response, null, 'kept for the window');
      const { retryResponses } = await sweepExpiredState(windowOn.server.store, epochNow() + 6, sweepPolicy(windowOn.server.config));
      assert.ok(retryResponses >= 1);
      assert.equal((await storedRow(windowOn.database, tokens.refresh_token!)).retry_response, null);
    });

    it('with the window off, any second presentation is a reuse that revokes the family', async () => {
      const { as, tokens } = await startGrant(windowOffSuite.server);
      const firstResponse = await refresh(windowOffSuite.server, as, tokens.refresh_token!);
      assert.equal(firstResponse.status, 200);
      const first = (await firstResponse.json()) as { refresh_token: string; access_token: string };
      assert.equal((await storedRow(windowOffSuite.database, tokens.refresh_token!)).retry_response, null, 'nothing kept');
      await assertTokenError(await refresh(windowOffSuite.server, as, tokens.refresh_token!), 'invalid_grant');
      await assertFamilyRevoked(windowOffSuite.server, as, first);
      assert.equal((await auditEvents(windowOffSuite.server, 'refresh_token.reused')).length, 1);
    });

    it('revokes the family when a token rotated long ago comes back, even past its idle expiry', async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      const first = (await (await refresh(windowOn.server, as, tokens.refresh_token!)).json()) as { refresh_token: string; access_token: string };
      const now = epochNow();
      await windowOn.database.sql(
        `update refresh_tokens set rotated_at = ${now - 5000}, expires_at = ${now - 10}, retry_until = null, retry_response = null, retry_fingerprint = null where token_hash = '${hashOpaqueValue(tokens.refresh_token!)}'`,
      );
      await assertTokenError(await refresh(windowOn.server, as, tokens.refresh_token!), 'invalid_grant');
      await assertFamilyRevoked(windowOn.server, as, first);
    });
  });
});
