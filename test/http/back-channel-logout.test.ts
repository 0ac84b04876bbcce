// Back-Channel Logout 1.0: logout tokens from the durable outbox reach each client of the session; a receiver that
// fails, is down or hangs stops nothing else; a restart resumes; two instances never deliver one token twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { ClientRecord, SessionRecord, UserRecord } from '../../src/store/records.js';
import { createIdToken } from '../../src/tokens/id-token.js';
import { authorizeUrl, CODE_VERIFIER, plantSession, redirectParameters } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { auditEvents, createClient, createUser, epochNow, pkcePair, redeemCode, REDIRECT_URI } from '../support/flow-fixtures.js';
import { eventually, startLogoutReceiver, verifyLogoutToken, type LogoutReceiver } from '../support/logout-receiver.js';
import { freePort, startTestServer, useTestServer, type TestServer } from '../support/server.js';

/** Fast polling and retries (1 s, then 2 s), so the tests wait little; at most three attempts. */
const FAST_DELIVERY = {
  GATEHOUSE_BACK_CHANNEL_LOGOUT_POLL_INTERVAL: '50',
  GATEHOUSE_BACK_CHANNEL_LOGOUT_RETRY_DELAY: '1',
  GATEHOUSE_BACK_CHANNEL_LOGOUT_TIMEOUT: '500',
  GATEHOUSE_BACK_CHANNEL_LOGOUT_MAX_ATTEMPTS: '3',
};

/** A signed-in browser whose session `clients` took part in, and the hint that ends it without confirmation. */
async function sessionWith(server: TestServer, user: UserRecord, clients: readonly ClientRecord[]) {
  const browser = new BrowserLike(server.url);
  const session = await plantSession(server.store, server.config, browser, user);
  for (const client of clients) await server.store.backChannelLogout.recordParticipant(session.sessionId, client.clientId, epochNow());
  const now = epochNow();
  const hintInput = { issuer: server.config.issuer, userId: user.userId, clientId: clients[0]!.clientId, authTime: now, sessionId: session.sessionId, nonce: null, accessToken: 'a', now, ttl: 600 };
  const hint = createIdToken(hintInput, server.keyRing.activeKey('RS256')!);
  return { browser, session, logOut: () => browser.get(`/logout?id_token_hint=${hint}`) };
}

const finished = async (server: TestServer, session: SessionRecord, count: number) => {
  const deliveries = await server.store.backChannelLogout.listForSession(session.sessionId);
  return deliveries.length === count && deliveries.every((delivery) => delivery.finishedAt !== null);
};

forEachEngine((engine) => {
  describe(`back-channel logout (${engine.name})`, () => {
    const suite = useTestServer(engine, FAST_DELIVERY);
    let receiver: LogoutReceiver;
    let other: LogoutReceiver;
    let user: UserRecord;
    before(async () => {
      receiver = await startLogoutReceiver();
      other = await startLogoutReceiver();
      user = await createUser(suite.server);
    });
    after(async () => {
      await receiver.close();
      await other.close();
    });

    it('delivers a verifiable token with sub and sid to each client of the session that registered a URI, and records it', async () => {
      const server = suite.server;
      receiver.mode = 'ok';
      const app = await createClient(server, { firstParty: true, backchannelLogoutUri: receiver.url });
      const { client: silent } = await createClient(server);
      const browser = new BrowserLike(server.url);
      const session = await plantSession(server.store, server.config, browser, user);
      const code = redirectParameters(await browser.get(authorizeUrl(app.client)), REDIRECT_URI).get('code')!;
      const tokens = await redeemCode(server, app, code, pkcePair(CODE_VERIFIER));
      await server.store.backChannelLogout.recordParticipant(session.sessionId, silent.clientId, epochNow());
      const before = receiver.accepted.length;
      const response = await browser.get(`/logout?id_token_hint=${tokens.id_token!}`);
      assert.equal(response.status, 200);
      await eventually('the token is delivered', () => finished(server, session, 1));
      assert.equal(receiver.accepted.length, before + 1);
      const payload = await verifyLogoutToken(receiver.accepted.at(-1)!, server.config.issuer, app.client.clientId);
      assert.equal(payload.sub, user.userId);
      assert.equal(payload.sid, session.sessionId);
      const [delivery] = await server.store.backChannelLogout.listForSession(session.sessionId);
      assert.deepEqual([delivery?.clientId, delivery?.outcome, delivery?.attempts], [app.client.clientId, 'delivered', 1]);
      const events = await auditEvents(server, 'logout.delivered');
      assert.ok(events.some((event) => event.clientId === app.client.clientId && event.userId === user.userId));
      assert.ok(!server.logs().includes(receiver.accepted.at(-1)!), 'the token is never logged');
      assert.ok(!JSON.stringify(events).includes(receiver.accepted.at(-1)!), 'nor audited');
    });

    it('retries a receiver that answers 500 until it answers 200, and gives up on one that is down', async () => {
      const server = suite.server;
      receiver.mode = 'error';
      const { client: flaky } = await createClient(server, { backchannelLogoutUri: receiver.url });
      const { client: down } = await createClient(server, { backchannelLogoutUri: `http://127.0.0.1:${await freePort()}/gone` });
      const { session, logOut } = await sessionWith(server, user, [flaky, down]);
      const before = receiver.received.length;
      assert.equal((await logOut()).status, 200);
      await eventually('the flaky receiver was tried twice', () => receiver.received.length >= before + 2);
      receiver.mode = 'ok';
      await eventually('both deliveries finished', () => finished(server, session, 2));
      const deliveries = await server.store.backChannelLogout.listForSession(session.sessionId);
      const byClient = new Map(deliveries.map((delivery) => [delivery.clientId, delivery]));
      assert.equal(byClient.get(flaky.clientId)?.outcome, 'delivered');
      assert.deepEqual([byClient.get(down.clientId)?.outcome, byClient.get(down.clientId)?.attempts], ['network_error', 3]);
      const failures = await auditEvents(server, 'logout.delivery_failed', 5);
      const flakyFailures = failures.filter((event) => event.clientId === flaky.clientId).map((event) => event.details);
      assert.deepEqual(flakyFailures.at(-1), { attempt: 1, outcome: 'http_500', willRetry: true });
      const gaveUp = failures.find((event) => event.clientId === down.clientId && event.details.willRetry === false);
      assert.deepEqual(gaveUp?.details, { attempt: 3, outcome: 'network_error', willRetry: false });
    });

    it('delivers to the URI the client registers now: a moved URI gets the retry, a removed one ends the delivery', async () => {
      const server = suite.server;
      receiver.mode = 'error';
      other.mode = 'ok';
      const { client: moving } = await createClient(server, { backchannelLogoutUri: receiver.url });
      const { client: leaving } = await createClient(server, { backchannelLogoutUri: receiver.url });
      const { session, logOut } = await sessionWith(server, user, [moving, leaving]);
      const before = receiver.received.length;
      assert.equal((await logOut()).status, 200);
      await eventually('both first attempts failed', () => receiver.received.length >= before + 2);
      await server.store.clients.update(moving.clientId, { backchannelLogoutUri: other.url }, epochNow());
      await server.store.clients.update(leaving.clientId, { backchannelLogoutUri: null }, epochNow());
      const otherBefore = other.accepted.length;
      await eventually('both deliveries finished', () => finished(server, session, 2));
      const byClient = new Map((await server.store.backChannelLogout.listForSession(session.sessionId)).map((delivery) => [delivery.clientId, delivery.outcome]));
      assert.deepEqual([byClient.get(moving.clientId), byClient.get(leaving.clientId)], ['delivered', 'no_uri']);
      assert.equal(other.accepted.length, otherBefore + 1, 'the moved client got its token at its new URI');
      receiver.mode = 'ok';
    });

    it('lets neither the logout nor another client\'s delivery wait for a receiver that hangs', async () => {
      const server = suite.server;
      receiver.mode = 'hang';
      other.mode = 'ok';
      const { client: hanging } = await createClient(server, { backchannelLogoutUri: receiver.url });
      const { client: healthy } = await createClient(server, { backchannelLogoutUri: other.url });
      const { session, logOut } = await sessionWith(server, user, [hanging, healthy]);
      const hangingBefore = receiver.received.length;
      assert.equal((await logOut()).status, 200, 'the logout is answered while a receiver hangs');
      await eventually('the hanging receiver got its token', () => receiver.received.length > hangingBefore);
      await eventually('the healthy receiver got its token meanwhile', async () => {
        const deliveries = await server.store.backChannelLogout.listForSession(session.sessionId);
        return deliveries.some((delivery) => delivery.clientId === healthy.clientId && delivery.outcome === 'delivered');
      });
      await eventually('the hanging attempt timed out', async () => {
        const failures = await server.store.audit.list({ limit: 50, type: 'logout.delivery_failed' });
        return failures.some((event) => event.clientId === hanging.clientId && event.details.outcome === 'timeout');
      });
      receiver.mode = 'ok';
      await eventually('the retry is delivered', () => finished(server, session, 2));
    });
  });

  describe(`back-channel logout giving up (${engine.name})`, () => {
    let offset = 0;
    const clock = () => epochNow() + offset;
    const env = { ...FAST_DELIVERY, GATEHOUSE_BACK_CHANNEL_LOGOUT_RETRY_DELAY: '30', GATEHOUSE_BACK_CHANNEL_LOGOUT_MAX_AGE: '60', GATEHOUSE_BACK_CHANNEL_LOGOUT_MAX_ATTEMPTS: '50' };
    const suite = useTestServer(engine, env, { clock });
    let receiver: LogoutReceiver;
    before(async () => {
      receiver = await startLogoutReceiver();
      receiver.mode = 'error';
    });
    after(() => receiver.close());

    it('gives up once the next retry would fall past backChannelLogout.maxAge', async () => {
      const server = suite.server;
      const { client } = await createClient(server, { backchannelLogoutUri: receiver.url });
      const { session, logOut } = await sessionWith(server, await createUser(server), [client]);
      await logOut();
      await eventually('the first attempt failed', async () => (await server.store.backChannelLogout.listForSession(session.sessionId))[0]?.outcome === 'http_500');
      offset += 30;
      await eventually('it was given up on', () => finished(server, session, 1));
      const [delivery] = await server.store.backChannelLogout.listForSession(session.sessionId);
      assert.deepEqual([delivery?.attempts, delivery?.outcome], [2, 'http_500'], 'a third attempt (at +90 s) would be past the 60 s limit');
    });

    it('retries, without sending a token, a client whose ID token algorithm has no signing key', async () => {
      const server = suite.server;
      const { client } = await createClient(server, { backchannelLogoutUri: receiver.url, idTokenSignedResponseAlg: 'EdDSA' });
      const { session, logOut } = await sessionWith(server, await createUser(server), [client]);
      const received = receiver.received.length;
      await logOut();
      await eventually('the attempt failed', async () => (await server.store.backChannelLogout.listForSession(session.sessionId))[0]?.outcome === 'no_signing_key');
      assert.equal(receiver.received.length, received);
      // The audit trail is written after the outcome is stored, and earlier tests' failures are in it already: wait for this one.
      await eventually('the failure is audited as one to retry', async () =>
        (await auditEvents(server, 'logout.delivery_failed')).some(
          (event) => event.clientId === client.clientId && event.details.outcome === 'no_signing_key' && event.details.willRetry === true,
        ),
      );
    });
  });

  describe(`back-channel logout across restarts and instances (${engine.name})`, () => {
    let database: TestStore;
    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('resumes the deliveries pending at shutdown when an instance starts again', async () => {
      const port = await freePort();
      const first = await startTestServer(database, FAST_DELIVERY);
      const user = await createUser(first);
      const { client } = await createClient(first, { backchannelLogoutUri: `http://127.0.0.1:${port}/backchannel-logout` });
      const { session, logOut } = await sessionWith(first, user, [client]);
      await logOut();
      await eventually('a first attempt failed', async () => (await first.store.backChannelLogout.listForSession(session.sessionId))[0]?.outcome === 'network_error');
      await first.close();
      const receiver = await startLogoutReceiver(port);
      const second = await startTestServer(database, FAST_DELIVERY);
      try {
        await eventually('the restarted instance delivered it', () => finished(second, session, 1));
        assert.equal(receiver.accepted.length, 1);
        assert.equal((await verifyLogoutToken(receiver.accepted[0]!, second.config.issuer, client.clientId)).sid, session.sessionId);
      } finally {
        await second.close();
        await receiver.close();
      }
    });

    it('does not wait for a hanging receiver at shutdown: the interrupted delivery is due again at once', async () => {
      const receiver = await startLogoutReceiver();
      receiver.mode = 'hang';
      const server = await startTestServer(database, FAST_DELIVERY);
      try {
        const { client } = await createClient(server, { backchannelLogoutUri: receiver.url });
        const { session, logOut } = await sessionWith(server, await createUser(server), [client]);
        await logOut();
        await eventually('the receiver holds the request', () => receiver.received.length === 1);
        await server.close();
        const [delivery] = await database.store.backChannelLogout.listForSession(session.sessionId);
        assert.deepEqual([delivery?.outcome, delivery?.finishedAt, delivery?.leaseId], ['interrupted', null, null]);
        assert.ok(delivery!.nextAttemptAt <= epochNow());
      } finally {
        await receiver.close();
      }
    });

    it('never delivers one logout token twice when two instances share the outbox', async () => {
      const receiver = await startLogoutReceiver();
      receiver.delay = 30;
      // A generous timeout: a slow answer retried would be a second delivery by design (at least once), not a double claim.
      const env = { ...FAST_DELIVERY, GATEHOUSE_BACK_CHANNEL_LOGOUT_TIMEOUT: '10000' };
      const first = await startTestServer(database, env);
      // Instances behind one load balancer share the issuer.
      const servers = [first, await startTestServer(database, { ...env, GATEHOUSE_ISSUER: first.config.issuer })];
      try {
        const user = await createUser(servers[0]!);
        const clients = [];
        for (let i = 0; i < 3; i++) clients.push((await createClient(servers[0]!, { backchannelLogoutUri: receiver.url })).client);
        const sessions = [];
        for (let i = 0; i < 12; i++) {
          const server = servers[i % 2]!;
          const signedIn = await sessionWith(server, user, clients);
          await signedIn.logOut();
          sessions.push(signedIn.session);
        }
        for (const session of sessions) await eventually('all delivered', () => finished(servers[0]!, session, clients.length));
        const seen = await Promise.all(receiver.received.map(async (token) => {
          const { aud } = decodeJwt(token);
          const { sid } = await verifyLogoutToken(token, servers[0]!.config.issuer, String(aud));
          return `${String(aud)} ${String(sid)}`;
        }));
        const attempts = (await Promise.all(sessions.map((session) => servers[0]!.store.backChannelLogout.listForSession(session.sessionId)))).flat();
        assert.deepEqual(new Set(attempts.map((delivery) => `${delivery.outcome} ${delivery.attempts}`)), new Set(['delivered 1']));
        assert.equal(seen.length, sessions.length * clients.length);
        assert.equal(new Set(seen).size, seen.length, 'each (client, session) exactly once');
      } finally {
        for (const server of servers) await server.close();
        await receiver.close();
      }
    });
  });
});
