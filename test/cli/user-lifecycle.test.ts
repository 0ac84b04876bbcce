// `gatehouse users show|set-password|disable|enable|delete` as real processes: what they end, print and audit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aClient, aFamily, aSession } from '../store/fixtures.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

const PASSWORD = 'a first passphrase of some length';
const now = (): number => Math.floor(Date.now() / 1000);

onSqliteOnly((engine) => {
  describe('gatehouse users lifecycle', () => {
    let database: TestStore;
    const gatehouse = (args: string[], input?: string) =>
      runCli(args, { env: cliEnvironment(database), cwd: database.dataDir, ...(input === undefined ? {} : { input }) });

    /** Gives `username` a live session and a live token family, as a login and a code exchange would. */
    async function signIn(username: string): Promise<void> {
      const user = (await database.store.users.findByUsername(username)) ?? assert.fail(`no ${username}`);
      const client = aClient();
      await database.store.clients.create(client);
      await database.store.sessions.create(aSession(user, { createdAt: now(), idleExpiresAt: now() + 600, absoluteExpiresAt: now() + 3600 }));
      await database.store.refreshTokens.createFamily(aFamily(client, user, { createdAt: now(), expiresAt: now() + 3600 }));
    }

    before(async () => {
      database = await createTestStore(engine);
      const created = await gatehouse(['users', 'create', '--username', 'carol', '--email', 'carol@example.com', '--password-stdin'], PASSWORD);
      assert.equal(created.code, 0, created.stderr);
    });
    after(() => database.cleanup());

    it('shows one user as text and JSON, never the hash, and fails in one line for an unknown one', async () => {
      const [text, json, missing] = await Promise.all([
        gatehouse(['users', 'show', 'carol']),
        gatehouse(['users', 'show', 'carol', '--json']),
        gatehouse(['users', 'show', 'nobody']),
      ]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^username: +carol\nuser_id: +\S+\nstatus: +active\nrole: +user\nemail: +carol@example\.com \(not verified\)\n/);
      assert.deepEqual([jsonOf(json).username, jsonOf(json).disabled], ['carol', false]);
      assert.doesNotMatch(`${text.stdout}${json.stdout}`, /argon2|password/i);
      assertOneLineFailure(missing, 1, /^gatehouse: no user named "nobody"\n$/);
    });

    it('set-password ends the sessions and token families of that user and says how many, in the audit trail too', async () => {
      await signIn('carol');
      const changed = await gatehouse(['users', 'set-password', 'carol', '--password-stdin', '--json'], 'a second passphrase, longer');
      assert.equal(changed.code, 0, changed.stderr);
      assert.deepEqual([jsonOf(changed).sessions_ended, jsonOf(changed).token_families_revoked], [1, 1]);
      const human = await gatehouse(['users', 'set-password', 'carol', '--password-stdin'], 'a third passphrase, longer');
      assert.equal(human.stdout, 'set the password of user "carol"; ended 0 sessions and revoked 0 token families\n');
      const events = await database.store.audit.list({ limit: 5, type: 'user.password_changed' });
      assert.deepEqual(events.map((entry) => [entry.details.sessionsEnded, entry.details.familiesRevoked]), [[0, 0], [1, 1]]);
    });

    it('disables with counts, enables again, and says when there was nothing to do', async () => {
      await signIn('carol');
      const disabled = await gatehouse(['users', 'disable', 'carol']);
      assert.equal(disabled.stdout, 'disabled user "carol"; ended 1 session and revoked 1 token family\n');
      const [again, enabled] = [await gatehouse(['users', 'disable', 'carol']), await gatehouse(['users', 'enable', 'carol', '--json'])];
      assert.equal(again.stdout, 'user "carol" was already disabled\n');
      assert.deepEqual([enabled.code, jsonOf(enabled).disabled, jsonOf(enabled).disabled_at], [0, false, null]);
      assert.equal((await gatehouse(['users', 'enable', 'carol'])).stdout, 'user "carol" was not disabled\n');
      assertOneLineFailure(await gatehouse(['users', 'enable', 'nobody']), 1, /^gatehouse: no user named "nobody"\n$/);
      const audit = await database.store.audit.list({ limit: 20 });
      const disabledEvent = audit.find((event) => event.type === 'user.disabled');
      assert.deepEqual([disabledEvent?.details.sessionsEnded, disabledEvent?.details.familiesRevoked], [1, 1]);
      assert.equal(audit.filter((event) => event.type === 'user.enabled').length, 1, 'enabling an active user records nothing');
    });

    it('deletes a user with what was issued to them, records who it was, and then knows no such user', async () => {
      await signIn('carol');
      const user = (await database.store.users.findByUsername('carol'))!;
      const deleted = await gatehouse(['users', 'delete', 'carol', '--json']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.deepEqual([jsonOf(deleted).username, jsonOf(deleted).deleted], ['carol', true]);
      assert.equal(await database.store.users.findById(user.userId), undefined);
      for (const table of ['sessions', 'token_families']) {
        const rows = await database.sql(`select count(*) as n from ${table} where user_id = '${user.userId}'`);
        assert.equal(Number(rows[0]?.n), 0, table);
      }
      const [event] = await database.store.audit.list({ limit: 1, type: 'user.deleted' });
      assert.deepEqual([event?.userId, event?.details.username, String(event?.details.actor).startsWith('cli:')], [user.userId, 'carol', true]);
      assertOneLineFailure(await gatehouse(['users', 'delete', 'carol']), 1, /^gatehouse: no user named "carol"\n$/);
    });
  });
});
