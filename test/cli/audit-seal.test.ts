// `gatehouse audit verify` as a real process against a sealed head: forgeries of the head found, rotation honoured; and
// which commands need the key-encryption secret for the seal (those that append) and which do not (migrate, reading).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuditEventRecord } from '../../src/store/records.js';
import { DEV_SECRET_FILE } from '../../src/tokens/keys/dev-secret.js';
import { cutTail, dropPrefix, rewriteTail } from '../support/audit-tampering.js';
import { createTestDatabase, createTestStore, onSqliteOnly, type TestDatabase, type TestStore } from '../support/database.js';
import { anAuditEvent, NOW } from '../store/fixtures.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli, TEST_ENCRYPTION_SECRET } from './run-cli.js';

const HEAD_FORGED = /^gatehouse: audit trail broken at sequence \d+ \(position \d+ in the chain\): the chain head's seal does not verify/;

onSqliteOnly((engine) => {
  describe('gatehouse audit verify and the sealed head', () => {
    let database: TestStore;
    let events: AuditEventRecord[];
    const verify = (env: NodeJS.ProcessEnv = {}) => runCli(['audit', 'verify'], { env: { ...cliEnvironment(database), ...env }, cwd: database.dataDir });

    beforeEach(async () => {
      database = await createTestStore(engine);
      events = [];
      for (let index = 0; index < 6; index += 1) events.push(await database.store.audit.append(anAuditEvent({ occurredAt: NOW + index })));
    });
    afterEach(() => database.cleanup());

    it('exits 1 naming a forged head when a tail was rewritten into a consistent chain and the head moved to its end', async () => {
      await rewriteTail(database, 4, events[2]!.hash, 2);
      assertOneLineFailure(await verify(), 1, HEAD_FORGED);
    });

    it('exits 1 naming a forged head when the tail was cut and the head reset to the new last event', async () => {
      await cutTail(database, events[3]!);
      assertOneLineFailure(await verify(), 1, HEAD_FORGED);
    });

    it('exits 1 naming a forged head when a prefix was deleted and the pruned head moved to match', async () => {
      await dropPrefix(database, events[2]!);
      const result = await runCli(['audit', 'verify', '--json'], { env: cliEnvironment(database), cwd: database.dataDir });
      assert.equal(result.code, 1, result.stderr);
      assert.deepEqual(jsonOf(result), { intact: false, checked: 3, firstBreak: { sequence: 6, position: 3, kind: 'head_forged' } });
    });

    it('accepts a head sealed under a previous secret after rotation, and names one sealed under an unrelated secret forged', async () => {
      const rotated = await verify({ GATEHOUSE_KEYS_ENCRYPTION_SECRET: `rotated-${TEST_ENCRYPTION_SECRET}`, GATEHOUSE_KEYS_PREVIOUS_ENCRYPTION_SECRETS: JSON.stringify([TEST_ENCRYPTION_SECRET]) });
      assert.deepEqual([rotated.code, rotated.stdout], [0, `audit trail intact: 6 records checked, head at sequence 6 (${events[5]?.hash})\n`], rotated.stderr);
      assertOneLineFailure(await verify({ GATEHOUSE_KEYS_ENCRYPTION_SECRET: `unrelated-${TEST_ENCRYPTION_SECRET}` }), 1, HEAD_FORGED);
    });

    it('says an unsealed head is intact but not sealed yet, and what that leaves unproven', async () => {
      await database.sql('update audit_chain_head set seal = null');
      const result = await verify();
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.split('\n'), [
        `audit trail intact: 6 records checked, head at sequence 6 (${events[5]?.hash})`,
        'the chain head is not sealed yet (no append or prune since upgrading): until the next one seals it, a cut or rewritten end of the trail would go unnoticed',
        '',
      ]);
    });
  });

});

// Resolving the secret does not depend on the engine.
onSqliteOnly((engine) => {
  describe('the key-encryption secret, needed only to append', () => {
    let database: TestDatabase;
    /** Dev mode with no secret configured: the secret is the dev secret file in the data folder. */
    const devCli = (args: string[], input?: string) =>
      runCli([...args, '--dev'], { env: { GATEHOUSE_DATA_DIR: database.dataDir, GATEHOUSE_DATABASE_URL: database.databaseUrl }, cwd: database.dataDir, ...(input !== undefined && { input }) });

    beforeEach(async () => {
      database = await createTestDatabase(engine);
    });
    afterEach(() => database.cleanup());

    it('lets migrate and the reading commands run with no secret at all', async () => {
      const migrated = await runCli(['migrate'], { env: { GATEHOUSE_DATA_DIR: database.dataDir, GATEHOUSE_DATABASE_URL: database.databaseUrl }, cwd: database.dataDir });
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.match(migrated.stdout, /020-audit-head-seal/);
      // In dev mode a command that needed the secret would create the dev secret file; reading creates none.
      for (const args of [['audit', 'list'], ['clients', 'list'], ['users', 'list'], ['apis', 'list']]) {
        const result = await devCli(args);
        assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      }
      assert.equal(existsSync(join(database.dataDir, DEV_SECRET_FILE)), false);
    });

    it('refuses a command that appends, in one line naming the setting, when the secret cannot be resolved, and changes nothing', async () => {
      assert.equal((await devCli(['users', 'list'])).code, 0, 'the database exists, migrated');
      const secretFile = join(database.dataDir, DEV_SECRET_FILE);
      await writeFile(secretFile, `${'s'.repeat(40)}\n`);
      // A secret others can read is refused, as the server refuses it.
      await chmod(secretFile, 0o644);
      const refused = await devCli(['users', 'create', '--username', 'alice', '--password-stdin'], 'a long enough password\n');
      assertOneLineFailure(refused, 2, /^gatehouse: this command needs keys\.encryptionSecret \(GATEHOUSE_KEYS_ENCRYPTION_SECRET\) to seal or check the audit trail, and it cannot be resolved: .*readable by group or others/);
      const clients = await devCli(['clients', 'create', '--name', 'app', '--redirect-uri', 'https://app.example/cb']);
      assertOneLineFailure(clients, 2, /keys\.encryptionSecret/);
      assert.deepEqual(await database.sql('select count(*) as n from users'), [{ n: engine.name === 'postgres' ? '0' : 0 }]);
      assert.deepEqual(await database.sql('select count(*) as n from clients'), [{ n: engine.name === 'postgres' ? '0' : 0 }]);
      assert.deepEqual(await database.sql('select count(*) as n from audit_events'), [{ n: engine.name === 'postgres' ? '0' : 0 }]);
    });

    it('refuses a command that appends in production mode without keys.encryptionSecret, changing nothing', async () => {
      const withoutSecret = { ...cliEnvironment(database), GATEHOUSE_KEYS_ENCRYPTION_SECRET: undefined };
      const refused = await runCli(['users', 'create', '--username', 'alice', '--password-stdin'], { env: withoutSecret, cwd: database.dataDir, input: 'a long enough password\n' });
      assertOneLineFailure(refused, 2, /keys\.encryptionSecret`?: required in production/);
      const migrated = await runCli(['migrate'], { env: withoutSecret, cwd: database.dataDir });
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.deepEqual(await database.sql('select count(*) as n from users'), [{ n: engine.name === 'postgres' ? '0' : 0 }]);
    });
  });
});
