// `gatehouse users ...` as a real child process against both engines: passwords from stdin only, never echoed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../src/users/password.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli, type CliResult } from './run-cli.js';

const PASSWORD = 'Tr0ub4dor&3-horse-battery';
const NEW_PASSWORD = 'a completely new passphrase';

function assertNoPassword(result: CliResult, ...passwords: string[]): void {
  for (const password of passwords) assert.equal(`${result.stdout}${result.stderr}`.includes(password), false, 'a password reached the output');
}

onSqliteOnly((engine) => {
  describe('gatehouse users', () => {
    let database: TestStore;
    const gatehouse = (args: string[], input?: string) =>
      runCli(args, { env: cliEnvironment(database), cwd: database.dataDir, ...(input === undefined ? {} : { input }) });

    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('creates a user from --password-stdin without echoing the password, and refuses a taken username', async () => {
      const created = await gatehouse(['users', 'create', '--username', 'alice', '--email', 'alice@example.com', '--name', 'Alice', '--password-stdin', '--json'], `${PASSWORD}\n`);
      assert.equal(created.code, 0, created.stderr);
      assertNoPassword(created, PASSWORD);
      const body = jsonOf(created);
      assert.deepEqual(Object.keys(body).sort(), ['admin', 'created_at', 'disabled', 'disabled_at', 'email', 'email_verified', 'name', 'updated_at', 'user_id', 'username']);
      assert.deepEqual([body.username, body.email, body.name, body.disabled], ['alice', 'alice@example.com', 'Alice', false]);
      const stored = await database.store.users.findByUsername('alice');
      assert.equal(await verifyPassword(stored!.passwordHash, PASSWORD), true, 'the trailing newline is not part of the password');

      const duplicate = await gatehouse(['users', 'create', '--username', 'alice', '--password-stdin'], 'another password\n');
      assertOneLineFailure(duplicate, 1, /^gatehouse: username "alice" is already taken\n$/);
      assertNoPassword(duplicate, 'another password');
    });

    it('sets a password, disables the user and lists users without hashes', async () => {
      const changed = await gatehouse(['users', 'set-password', 'alice', '--password-stdin'], NEW_PASSWORD);
      assert.equal(changed.code, 0, changed.stderr);
      assertNoPassword(changed, NEW_PASSWORD);
      const stored = await database.store.users.findByUsername('alice');
      assert.equal(await verifyPassword(stored!.passwordHash, NEW_PASSWORD), true);

      const [disabled, missing] = await Promise.all([gatehouse(['users', 'disable', 'alice']), gatehouse(['users', 'disable', 'nobody'])]);
      assert.equal(disabled.code, 0, disabled.stderr);
      assert.match(disabled.stdout, /disabled user "alice"/);
      assertOneLineFailure(missing, 1, /^gatehouse: no user named "nobody"\n$/);

      const listed = await gatehouse(['users', 'list', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(jsonOf<Array<Record<string, unknown>>>(listed).map((user) => [user.username, user.disabled]), [['alice', true]]);
      assert.equal(listed.stdout.includes('$argon2'), false);
      const audit = await database.store.audit.list({ limit: 10 });
      assert.deepEqual(audit.map((event) => event.type).filter((type) => type.startsWith('user.')).reverse(), ['user.created', 'user.password_changed', 'user.disabled']);
    });
  });
});
