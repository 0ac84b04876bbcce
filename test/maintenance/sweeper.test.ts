import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { CODE_RETENTION_SECONDS, DEVICE_AUTHORIZATION_RETENTION_SECONDS, SWEEP_BATCH_SIZE, SWEEP_SLICE_ROWS, sweepExpiredState, sweepPolicy, type SweepPolicy, type SweepResult } from '../../src/maintenance/sweeper.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, aFamily, anAuditEvent, anInteraction, aRefreshToken, aUser, NOW, seedClientAndUser, seedFamily } from '../store/fixtures.js';

const POLICY: SweepPolicy = { accessTokenTtl: 600, loginWindow: 900, auditRetention: 0 };
const NOTHING: SweepResult = {
  authorizationCodes: 0,
  interactions: 0,
  pushedAuthorizationRequests: 0,
  deviceAuthorizations: 0,
  sessions: 0,
  refreshTokens: 0,
  tokenFamilies: 0,
  loginThrottle: 0,
  auditEvents: 0,
  retryResponses: 0,
  revokedAccessTokens: 0,
  clientAssertionJtis: 0,
  dpopProofJtis: 0,
  logoutDeliveries: 0,
};

forEachEngine((engine) => {
  describe(`sweeping expired state (${engine.name})`, () => {
    const current = useTestStore(engine);

    it('forgets codes only after the retention period and interactions once expired', async () => {
      const { store } = current();
      const client = aClient();
      const user = aUser();
      await store.clients.create(client);
      await store.users.create(user);
      const forgotten = aCode(client, user, { expiresAt: NOW - CODE_RETENTION_SECONDS - 1 });
      const retained = aCode(client, user, { expiresAt: NOW - 10 });
      await store.authorizationCodes.create(forgotten);
      await store.authorizationCodes.create(retained);
      await store.interactions.create(anInteraction({ expiresAt: NOW - 1 }));
      const live = anInteraction({ expiresAt: NOW + 60 });
      await store.interactions.create(live);

      assert.deepEqual(await sweepExpiredState(store, NOW, POLICY), { ...NOTHING, authorizationCodes: 1, interactions: 1 });
      assert.equal((await store.authorizationCodes.consume(forgotten.codeHash, NOW)).outcome, 'unknown');
      // Still known, so a late replay is recognised as one.
      assert.equal((await store.authorizationCodes.consume(retained.codeHash, NOW)).outcome, 'expired');
      assert.ok(await store.interactions.findLive(live.interactionHash, NOW));
      assert.deepEqual(await sweepExpiredState(store, NOW, POLICY), NOTHING);
    });

    it('forgets device authorizations an hour after they expire', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      const authorization = (hash: string, expiresAt: number) => ({
        deviceCodeHash: hash, userCodeHash: `user-${hash}`, clientId: client.clientId, scope: 'openid', resources: [], status: 'pending' as const,
        interval: 5, lastPolledAt: null, approval: null, flowId: null, createdAt: expiresAt - 600, expiresAt,
      });
      await store.deviceAuthorizations.create(authorization('forgotten', NOW - DEVICE_AUTHORIZATION_RETENTION_SECONDS - 1));
      await store.deviceAuthorizations.create(authorization('retained', NOW - 1));
      assert.deepEqual(await sweepExpiredState(store, NOW, POLICY), { ...NOTHING, deviceAuthorizations: 1 });
      assert.equal(await store.deviceAuthorizations.findByDeviceCode('forgotten'), undefined);
      assert.ok(await store.deviceAuthorizations.findByDeviceCode('retained'));
    });

    it('removes more than one batch or slice in one sweep, and stops between them once asked to', async () => {
      const { store } = current();
      const count = SWEEP_BATCH_SIZE * 2 + 1;
      await Promise.all(Array.from({ length: count }, () => store.interactions.create(anInteraction({ expiresAt: NOW - 1 }))));
      const idleExpired = { expiresAt: NOW - POLICY.accessTokenTtl - 1 };
      const { family } = await seedFamily(store, { token: idleExpired });
      const tokens = SWEEP_SLICE_ROWS + 1;
      await Promise.all(Array.from({ length: tokens - 1 }, () => store.refreshTokens.create(aRefreshToken(family, idleExpired))));
      const stopped = new AbortController();
      stopped.abort();
      assert.deepEqual(await sweepExpiredState(store, NOW, POLICY, { signal: stopped.signal }), NOTHING);
      const swept = await sweepExpiredState(store, NOW, POLICY);
      assert.equal(swept.interactions, count);
      assert.equal(swept.refreshTokens, tokens);
    });

    it('lets the event loop turn before each statement, so requests are answered during a long sweep', async () => {
      const { store } = current();
      let turns = 0;
      let counting = true;
      const count = (): void => {
        turns += 1;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      await sweepExpiredState(store, NOW, POLICY);
      counting = false;
      // On SQLite every statement completes without a turn of its own: without the sweep's, this counts none. Every
      // table but two is swept in batches or slices (retry responses go in one statement, and this policy keeps the audit trail).
      const tablesSwept = Object.keys(NOTHING).length - 2;
      assert.ok(turns >= tablesSwept, `the event loop turned ${turns} times during the sweep of ${tablesSwept} tables`);
    });

    it('keeps a family until every access token it issued has expired, since userinfo checks it', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const lastTokenLive = aFamily(client, user, { createdAt: NOW - POLICY.accessTokenTtl });
      const lastTokenExpired = aFamily(client, user, { createdAt: NOW - POLICY.accessTokenTtl - 1 });
      for (const family of [lastTokenLive, lastTokenExpired]) await store.refreshTokens.createFamily(family);
      assert.equal((await sweepExpiredState(store, NOW, POLICY)).tokenFamilies, 1);
      assert.ok(await store.refreshTokens.findFamily(lastTokenLive.familyId));
    });

    it('forgets a login throttle key once it has been quiet for the whole window', async () => {
      const { store } = current();
      await store.loginThrottle.recordFailure('ip:192.0.2.1', NOW - POLICY.loginWindow - 1, POLICY.loginWindow);
      await store.loginThrottle.recordFailure('ip:192.0.2.2', NOW - POLICY.loginWindow, POLICY.loginWindow);
      assert.equal((await sweepExpiredState(store, NOW, POLICY)).loginThrottle, 1);
    });

    it('forgets a client assertion jti once its assertion has expired', async () => {
      const { store } = current();
      const { client } = await seedClientAndUser(store);
      await store.clientAssertionJtis.markUsed(client.clientId, 'expired', NOW - 1, NOW - 60);
      await store.clientAssertionJtis.markUsed(client.clientId, 'live', NOW, NOW - 60);
      assert.equal((await sweepExpiredState(store, NOW, POLICY)).clientAssertionJtis, 1);
      assert.equal(await store.clientAssertionJtis.markUsed(client.clientId, 'live', NOW + 60, NOW - 1), false);
    });

    it('forgets a pushed authorization request once its request_uri has expired, used or not', async () => {
      const { store } = current();
      const { client } = await seedClientAndUser(store);
      const pushed = (expiresAt: number, consumedAt: number | null) =>
        store.pushedAuthorizationRequests.create({ requestHash: `${expiresAt}-${String(consumedAt)}`, clientId: client.clientId, parameters: {}, createdAt: NOW - 60, expiresAt, consumedAt });
      await Promise.all([pushed(NOW - 1, null), pushed(NOW - 1, NOW - 30), pushed(NOW, null)]);
      assert.equal((await sweepExpiredState(store, NOW, POLICY)).pushedAuthorizationRequests, 2);
      assert.equal((await store.pushedAuthorizationRequests.consume(`${NOW}-null`, client.clientId, NOW - 1)).outcome, 'redeemed');
    });

    it('forgets a DPoP proof jti once its proof can no longer be accepted', async () => {
      const { store } = current();
      await store.dpopProofJtis.markUsed('expired-proof', NOW - 1, NOW - 60);
      await store.dpopProofJtis.markUsed('live-proof', NOW, NOW - 60);
      assert.equal((await sweepExpiredState(store, NOW, POLICY)).dpopProofJtis, 1);
      assert.equal(await store.dpopProofJtis.markUsed('live-proof', NOW + 60, NOW - 1), false);
    });

    it('keeps every audit event by default, and prunes those past audit.retention when it is set', async () => {
      const { store } = current();
      const retention = 86_400;
      for (const age of [retention + 1, retention, 0]) await store.audit.append(anAuditEvent({ occurredAt: NOW - age }));
      assert.equal((await sweepExpiredState(store, NOW, POLICY)).auditEvents, 0);
      assert.equal((await sweepExpiredState(store, NOW, { ...POLICY, auditRetention: retention })).auditEvents, 1);
      assert.equal((await store.audit.list({ limit: 10 })).length, 2);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });
  });
});

describe('sweep policy', () => {
  it('keeps token families as long as the longest access token lives, an API\'s own lifetime included', () => {
    const config = loadConfig({ env: { GATEHOUSE_TOKENS_ACCESS_TOKEN_TTL: '300' }, flags: { dev: true } });
    // `gatehouse apis create --access-token-ttl 3600` tokens outlive tokens.accessTokenTtl; introspection needs their family.
    assert.equal(sweepPolicy(config).accessTokenTtl, 3600);
  });
});
