// A refresh token family used from a new network or User-Agent raises refresh_token.context_changed once, then
// follows its new context; a browser update within the same /24 raises nothing; nothing is ever refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { forEachEngine } from '../support/database.js';
import { eventually } from '../support/logout-receiver.js';
import { CHROME_120, CHROME_131, FIREFOX, grantFrom, type Origin } from '../support/refresh-context.js';
import { useTestServer, type TestServer } from '../support/server.js';

const HOME: Origin = { ip: '198.51.100.10', userAgent: CHROME_120 };
const CAFE: Origin = { ip: '203.0.113.9', userAgent: CHROME_120 };

/** The audit trail's events of `type` for one family, oldest first. */
async function familyEvents(server: TestServer, type: string, familyId: string) {
  const events = await server.store.audit.list({ limit: 100, type });
  return events.filter((event) => event.details.familyId === familyId).reverse();
}

/** Waits until the family has `count` context_changed events, and returns them. */
async function contextChanges(server: TestServer, familyId: string, count: number) {
  await eventually(`${count} context changes are audited`, async () => (await familyEvents(server, 'refresh_token.context_changed', familyId)).length >= count);
  return familyEvents(server, 'refresh_token.context_changed', familyId);
}

forEachEngine((engine) => {
  describe(`refresh token context changes (${engine.name})`, () => {
    const suite = useTestServer(engine, TRUSTING_LOOPBACK_PROXY);

    it('raises nothing for the same /24 and the same browser after a version bump; the next move raises exactly one', async () => {
      const grant = await grantFrom(suite.server, HOME);
      await grant.refreshFrom({ ip: '198.51.100.77', userAgent: CHROME_131 });
      await grant.refreshFrom({ ip: '198.51.100.200', userAgent: CHROME_120 });
      // A marker move: once its event is audited, any event the refreshes above raised would be too.
      await grant.refreshFrom(CAFE);
      const changes = await contextChanges(suite.server, grant.familyId, 1);
      assert.deepEqual(changes.map((event) => [event.details.change, event.ip]), [['network', CAFE.ip]]);
    });

    it('raises one event when the family moves to a new network, then follows it without revoking anything', async () => {
      const { server } = suite;
      const grant = await grantFrom(server, HOME);
      await grant.refreshFrom(CAFE);
      await grant.refreshFrom({ ...CAFE, ip: '203.0.113.200' });
      await grant.refreshFrom({ ...CAFE, userAgent: FIREFOX });
      const changes = await contextChanges(server, grant.familyId, 2);
      assert.deepEqual(changes.map((event) => event.details.change), ['network', 'user_agent'], 'the second refresh from the cafe raised nothing');
      const [moved] = changes;
      assert.deepEqual([moved?.clientId, moved?.userId, moved?.ip, moved?.userAgent], [grant.clientId, grant.userId, CAFE.ip, CAFE.userAgent]);
      const family = await server.store.refreshTokens.findFamily(grant.familyId);
      assert.equal(family?.revokedAt, null, 'a signal, not a revocation');
      assert.equal(family?.context?.network, '203.0.113.0/24');
    });

    it('names a change of both network and User-Agent as both', async () => {
      const grant = await grantFrom(suite.server, HOME);
      await grant.refreshFrom({ ip: '2001:db8:1:2::5', userAgent: 'curl/8.5.0' });
      await grant.refreshFrom({ ip: '2001:db8:1:ffff::9', userAgent: 'curl/8.11.1' });
      await grant.refreshFrom({ ip: '2001:db8:2::1', userAgent: 'curl/8.11.1' });
      const changes = await contextChanges(suite.server, grant.familyId, 2);
      assert.deepEqual(changes.map((event) => event.details.change), ['both', 'network'], 'the same IPv6 /48 is the same network');
    });
  });

  describe(`refresh token context changes turned off (${engine.name})`, () => {
    const suite = useTestServer(engine, { ...TRUSTING_LOOPBACK_PROXY, GATEHOUSE_ANOMALIES_ENABLED: 'false' });

    it('raises nothing, while the family still follows its context', async () => {
      const { server } = suite;
      const grant = await grantFrom(server, HOME);
      await grant.refreshFrom(CAFE);
      await eventually('the rotation is audited', async () => (await familyEvents(server, 'refresh_token.rotated', grant.familyId)).length === 1);
      assert.deepEqual(await familyEvents(server, 'refresh_token.context_changed', grant.familyId), []);
      assert.equal((await server.store.refreshTokens.findFamily(grant.familyId))?.context?.network, '203.0.113.0/24');
    });
  });
});
