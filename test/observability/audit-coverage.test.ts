// Every event type the flows emit reaches the hash-chained audit trail, except the few kept out on purpose (UNAUDITED_EVENT_TYPES).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachAudit } from '../../src/observability/audit.js';
import { EventBus, UNAUDITED_EVENT_TYPES, type EventType, type GatehouseEvent } from '../../src/observability/events.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { NOW } from '../store/fixtures.js';

const user = { userId: 'user-1' };
const client = { clientId: 'client-1' };
const family = { ...user, ...client, familyId: 'family-1' };

/** One event of every type: a type added to the union fails to compile here until it has a sample, so this test covers it. */
const SAMPLES: { readonly [T in EventType]: Extract<GatehouseEvent, { type: T }> } = {
  'client.created': { type: 'client.created', ...client },
  'client.updated': { type: 'client.updated', ...client, fields: ['scope'] },
  'client.deleted': { type: 'client.deleted', ...client },
  'client.secret_rotated': { type: 'client.secret_rotated', ...client, previousValidUntil: NOW },
  'user.created': { type: 'user.created', ...user },
  'user.password_changed': { type: 'user.password_changed', ...user, sessionsEnded: 1, familiesRevoked: 2 },
  'user.disabled': { type: 'user.disabled', ...user, sessionsEnded: 1, familiesRevoked: 2 },
  'user.enabled': { type: 'user.enabled', ...user },
  'user.admin_granted': { type: 'user.admin_granted', ...user },
  'user.admin_revoked': { type: 'user.admin_revoked', ...user },
  'user.deleted': { type: 'user.deleted', ...user, username: 'alice' },
  'key.created': { type: 'key.created', kid: 'k1', alg: 'ES256', status: 'next' },
  'key.rotated': { type: 'key.rotated', kid: 'k1', alg: 'ES256', retiredKid: 'k0' },
  'key.retired': { type: 'key.retired', kid: 'k0', alg: 'RS256', publishUntil: NOW },
  'demo.seeded': { type: 'demo.seeded', ...client, ...user },
  'login.succeeded': { type: 'login.succeeded', ...user, ...client },
  'login.failed': { type: 'login.failed', ...client, userId: null, usernameHash: 'aGFzaA', knownDevice: false },
  'login.throttled': { type: 'login.throttled', usernameHash: 'aGFzaA', scope: 'ip', retryAfter: 30, passwordChecked: true },
  'session.ended': { type: 'session.ended', ...user, startedAt: 1_767_225_000, endedBy: 'logout' },
  'consent.granted': { type: 'consent.granted', ...user, ...client, scope: 'openid' },
  'consent.denied': { type: 'consent.denied', ...user, ...client },
  'consent.revoked': { type: 'consent.revoked', ...user, ...client, consentRemoved: true, familiesRevoked: 1, codesDeleted: 0, logoutsQueued: 0 },
  'code.issued': { type: 'code.issued', ...user, ...client },
  'code.redeemed': { type: 'code.redeemed', ...family },
  'code.replayed': { type: 'code.replayed', ...user, ...client, revokedFamilyId: 'family-1' },
  'code.replayed_by_other_client': { type: 'code.replayed_by_other_client', ...user, ...client, issuedTo: 'client-2' },
  'authorization_request.pushed': { type: 'authorization_request.pushed', ...client, expiresAt: NOW },
  'request_uri.replayed': { type: 'request_uri.replayed', ...client },
  'refresh_token.rotated': { type: 'refresh_token.rotated', ...family },
  'refresh_token.retried': { type: 'refresh_token.retried', ...family },
  'refresh_token.reused': { type: 'refresh_token.reused', ...family, firstUse: { ip: '192.0.2.1', userAgent: null } },
  'refresh_token.revoked': { type: 'refresh_token.revoked', ...family },
  'access_token.revoked': { type: 'access_token.revoked', ...user, ...client, tokenId: 'jti-1' },
  'client_assertion.replayed': { type: 'client_assertion.replayed', ...client },
  'dpop_proof.replayed': { type: 'dpop_proof.replayed', ...client },
  'token.issued': { type: 'token.issued', ...user, ...client, grantType: 'authorization_code' },
  'device_authorization.requested': { type: 'device_authorization.requested', ...client, scope: 'openid' },
  'device_authorization.approved': { type: 'device_authorization.approved', ...user, ...client, scope: 'openid' },
  'device_authorization.denied': { type: 'device_authorization.denied', ...user, ...client },
  'device_authorization.redeemed': { type: 'device_authorization.redeemed', ...family },
  'user_code.throttled': { type: 'user_code.throttled', retryAfter: 30 },
  'api.created': { type: 'api.created', identifier: 'https://api.example.test' },
  'api.updated': { type: 'api.updated', identifier: 'https://api.example.test', fields: ['name'] },
  'api.deleted': { type: 'api.deleted', identifier: 'https://api.example.test' },
  'api.client_allowed': { type: 'api.client_allowed', identifier: 'https://api.example.test', ...client, scope: 'read' },
  'api.client_disallowed': { type: 'api.client_disallowed', identifier: 'https://api.example.test', ...client },
  'logout.delivered': { type: 'logout.delivered', ...user, ...client, attempt: 1 },
  'logout.delivery_failed': { type: 'logout.delivery_failed', ...user, ...client, attempt: 2, outcome: 'timeout', willRetry: true },
  'authorization.requested': { type: 'authorization.requested', ...client },
  'authorization.failed': { type: 'authorization.failed', endpoint: 'authorize', clientId: null, error: 'invalid_request', reason: 'redirect_uri' },
  'refresh_token.context_changed': { type: 'refresh_token.context_changed', ...family, change: 'network', previousNetwork: '198.51.100.0/24', network: '203.0.113.0/24' },
  'token.failed': { type: 'token.failed', clientId: null, grantType: 'authorization_code', error: 'invalid_grant', reason: 'pkce', refusedByGrant: true },
};

forEachEngine((engine) => {
  describe('audit coverage of the event types', () => {
    const current = useTestStore(engine);

    it('appends every event type but the unaudited ones, with its user, client, facts and where it came from', async () => {
      const { store } = current();
      const bus = new EventBus((error) => assert.fail(String(error)));
      attachAudit(bus, store, () => NOW);
      const context = { requestId: 'req-1', ip: '192.0.2.1', userAgent: 'test', actor: 'cli:root', flowId: 'flow-1' };
      for (const event of Object.values(SAMPLES)) {
        bus.emit(event, context);
        await bus.drain();
      }
      const trail = await store.audit.listAfter(0, { limit: 1000 });
      const expected = Object.values(SAMPLES).filter((event) => !UNAUDITED_EVENT_TYPES.has(event.type));
      assert.deepEqual(trail.map((event) => event.type), expected.map((event) => event.type));
      for (const [index, event] of expected.entries()) {
        const { type, userId, clientId, ...facts } = event as GatehouseEvent & { userId?: string | null; clientId?: string | null };
        const stored = trail[index];
        assert.deepEqual([stored?.userId, stored?.clientId], [userId ?? null, clientId ?? null], type);
        assert.deepEqual(stored?.details, { ...facts, actor: 'cli:root', flowId: 'flow-1' }, type);
        assert.deepEqual([stored?.requestId, stored?.ip, stored?.userAgent], ['req-1', '192.0.2.1', 'test'], type);
      }
      assert.equal((await store.audit.verifyChain()).intact, true);
    });
  });
});
