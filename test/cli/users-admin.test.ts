// `gatehouse users create --admin | grant-admin | revoke-admin` as real processes: shown, audited, idempotent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

const PASSWORD = 'an admin passphrase of some length';

onSqliteOnly((engine) => {
  describe('gatehouse users admin role', () => {
    let database: TestStore;
    const gatehouse = (args: string[], input?: string) =>
      runCli(args, { env: cliEnvironment(database), cwd: database.dataDir, ...(input === undefined ? {} : { input }) });
    const adminEvents = async (): Promise<string[]> =>
      (await database.store.audit.list({ limit: 50 }))
        .filter((event) => event.type.startsWith('user.admin_'))
        .reverse()
        .map((event) => `${event.type} ${event.userId} ${String(event.details.actor).startsWith('cli:')}`);

    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('creates an admin with --admin, and an ordinary user without it, as list and show say', async () => {
      const [admin, plain] = await Promise.all([
        gatehouse(['users', 'create', '--username', 'olga', '--admin', '--password-stdin', '--json'], PASSWORD),
        gatehouse(['users', 'create', '--username', 'pete', '--password-stdin', '--json'], PASSWORD),
      ]);
      assert.equal(admin.code, 0, admin.stderr);
      assert.equal(plain.code, 0, plain.stderr);
      assert.deepEqual([jsonOf(admin).admin, jsonOf(plain).admin], [true, false]);
      const [listed, shown] = await Promise.all([gatehouse(['users', 'list']), gatehouse(['users', 'show', 'olga'])]);
      assert.match(listed.stdout, /^USERNAME +USER_ID +STATUS +ROLE +EMAIL +NAME\n/);
      assert.match(listed.stdout, /\nolga +\S+ +active +admin +/);
      assert.match(listed.stdout, /\npete +\S+ +active +user +/);
      assert.match(shown.stdout, /\nrole: +admin\n/);
      const olga = await database.store.users.findByUsername('olga');
      assert.deepEqual(await adminEvents(), [`user.admin_granted ${olga?.userId} true`]);
    });

    it('grants and revokes the role, says when there was nothing to do, and audits only changes', async () => {
      const granted = await gatehouse(['users', 'grant-admin', 'pete']);
      assert.equal(granted.code, 0, granted.stderr);
      assert.equal(granted.stdout, 'user "pete" is now an admin\n');
      assert.equal((await database.store.users.findByUsername('pete'))?.admin, true);
      const again = await gatehouse(['users', 'grant-admin', 'pete', '--json']);
      assert.equal(jsonOf(again).admin, true);

      const revoked = await gatehouse(['users', 'revoke-admin', 'pete']);
      assert.equal(revoked.stdout, 'user "pete" is no longer an admin\n');
      assert.equal((await database.store.users.findByUsername('pete'))?.admin, false);
      const [revokedAgain, grantedAgain] = await Promise.all([gatehouse(['users', 'revoke-admin', 'pete']), gatehouse(['users', 'grant-admin', 'olga'])]);
      assert.equal(revokedAgain.stdout, 'user "pete" was not an admin\n');
      assert.equal(grantedAgain.stdout, 'user "olga" was already an admin\n');

      const pete = await database.store.users.findByUsername('pete');
      const olga = await database.store.users.findByUsername('olga');
      assert.deepEqual(await adminEvents(), [
        `user.admin_granted ${olga?.userId} true`,
        `user.admin_granted ${pete?.userId} true`,
        `user.admin_revoked ${pete?.userId} true`,
      ]);
    });

    it('fails in one line for an unknown user or a missing name', async () => {
      const [unknownGrant, unknownRevoke, missing] = await Promise.all([
        gatehouse(['users', 'grant-admin', 'nobody']),
        gatehouse(['users', 'revoke-admin', 'nobody']),
        gatehouse(['users', 'grant-admin']),
      ]);
      assertOneLineFailure(unknownGrant, 1, /^gatehouse: no user named "nobody"\n$/);
      assertOneLineFailure(unknownRevoke, 1, /^gatehouse: no user named "nobody"\n$/);
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /missing required argument 'username'/);
    });
  });
});
