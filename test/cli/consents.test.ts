// `gatehouse consents list|revoke` as a real child process against both engines: what a person allowed, and removing
// it as the account page does, with one-line errors for an unknown user or client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { aClient, aCode, aFamily, aSession, aUser, NOW } from '../store/fixtures.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

onSqliteOnly((engine) => {
  describe('gatehouse consents', () => {
    let database: TestStore;
    let user: UserRecord;
    let photos: ClientRecord;
    let calendar: ClientRecord;
    const gatehouse = (args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });

    before(async () => {
      database = await createTestStore(engine);
      const { store } = database;
      user = aUser({ username: 'alice' });
      photos = aClient({ clientName: 'Photos', backchannelLogoutUri: 'https://photos.example/logout' });
      calendar = aClient({ clientName: 'Calendar' });
      await store.users.create(user);
      await store.clients.create(photos);
      await store.clients.create(calendar);
      await store.consents.save({ userId: user.userId, clientId: photos.clientId, scope: 'openid profile', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      await store.consents.save({ userId: user.userId, clientId: calendar.clientId, scope: 'openid', createdAt: NOW + 1, updatedAt: NOW + 1, lastUsedAt: null });
      await store.consents.recordUse(user.userId, photos.clientId, NOW + 5);
      const session = aSession(user);
      await store.sessions.create(session);
      await store.backChannelLogout.recordParticipant(session.sessionId, photos.clientId, NOW);
      await store.refreshTokens.createFamily(aFamily(photos, user, { sessionId: session.sessionId }));
      await store.authorizationCodes.create(aCode(photos, user, { sessionId: session.sessionId }));
    });
    after(() => database.cleanup());

    it("lists a user's connected applications by username or id, as a table or JSON", async () => {
      const listed = await gatehouse(['consents', 'list', '--user', 'alice', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(jsonOf<unknown[]>(listed), [
        { client_id: photos.clientId, client_name: 'Photos', scope: 'openid profile', scope_descriptions: ['Sign you in and know who you are', 'See your name and username'], granted_at: NOW, last_used_at: NOW + 5 },
        { client_id: calendar.clientId, client_name: 'Calendar', scope: 'openid', scope_descriptions: ['Sign you in and know who you are'], granted_at: NOW + 1, last_used_at: null },
      ]);
      const table = await gatehouse(['consents', 'list', '--user', user.userId, '--client', calendar.clientId]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^CLIENT_ID +NAME +GRANTED +LAST_USED +SCOPE\n/);
      assert.match(table.stdout, /Calendar/);
      assert.doesNotMatch(table.stdout, /Photos/);
    });

    it('fails in one line for an unknown user or client, or without --user', async () => {
      assertOneLineFailure(await gatehouse(['consents', 'list', '--user', 'nobody']), 1, /no user named "nobody"/);
      assertOneLineFailure(await gatehouse(['consents', 'revoke', '--user', 'nobody', '--client', photos.clientId]), 1, /no user named "nobody"/);
      assertOneLineFailure(await gatehouse(['consents', 'revoke', '--user', 'alice', '--client', 'no-such-client']), 1, /no client with client_id "no-such-client"/);
      assertOneLineFailure(await gatehouse(['consents', 'revoke']), 2, /consents revoke needs --user/);
      assert.equal((await database.store.consents.listForUser(user.userId)).length, 2, 'nothing was revoked');
    });

    it("revokes one client's access as the account page does: consent, families, codes, back-channel logout, audit", async () => {
      const revoked = await gatehouse(['consents', 'revoke', '--user', 'alice', '--client', photos.clientId, '--json']);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.deepEqual(jsonOf(revoked), {
        user_id: user.userId,
        username: 'alice',
        revoked: [{ client_id: photos.clientId, consent_removed: true, token_families_revoked: 1, codes_deleted: 1, logouts_queued: 1 }],
      });
      const { store } = database;
      assert.equal(await store.consents.find(user.userId, photos.clientId), undefined);
      assert.ok(await store.consents.find(user.userId, calendar.clientId), "another client's consent stays");
      const [event] = await store.audit.list({ limit: 1, type: 'consent.revoked' });
      assert.equal(event?.clientId, photos.clientId);
      assert.match(String(event?.details.actor), /^cli:/);
    });

    it('revokes every connected application without --client, and says when there is none left', async () => {
      const revoked = await gatehouse(['consents', 'revoke', '--user', 'alice']);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, new RegExp(`^client "${calendar.clientId}", user "alice": removed the consent; revoked 0 token families`));
      assert.deepEqual(await database.store.consents.listForUser(user.userId), []);
      const none = await gatehouse(['consents', 'revoke', '--user', 'alice']);
      assert.equal(none.stdout, 'user "alice" has no connected applications\n');
    });
  });
});
