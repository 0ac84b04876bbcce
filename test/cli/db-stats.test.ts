// `gatehouse db stats` as a real process: rows and sizes per table on both engines, read only, without any secret.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DatabaseStats } from '../../src/store/stats.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { seedUser } from '../support/login.js';
import { assertOneLineFailure, jsonOf, runCli } from './run-cli.js';

/** Only the database settings: no issuer, no key-encryption secret. */
const databaseOnly = (database: { readonly databaseUrl: string | undefined; readonly dataDir: string }): NodeJS.ProcessEnv => ({
  GATEHOUSE_DATA_DIR: database.dataDir,
  ...(database.databaseUrl === undefined ? {} : { GATEHOUSE_DATABASE_URL: database.databaseUrl }),
});

forEachEngine((engine) => {
  describe(`gatehouse db stats (${engine.name})`, () => {
    let database: TestStore;
    before(async () => {
      database = await createTestStore(engine);
      await seedUser(database.store);
      await seedUser(database.store);
    });
    after(() => database.cleanup());

    it('prints each table with its exact row count and size, and the totals, as JSON', async () => {
      const result = await runCli(['db', 'stats', '--json'], { env: databaseOnly(database), cwd: database.dataDir });
      const stats = jsonOf<DatabaseStats>(result);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(stats.engine, engine.name);
      const users = stats.tables.find((table) => table.table === 'users');
      assert.equal(users?.rows, 2);
      assert.ok(users.bytes > 0, 'the table and its indexes take pages');
      assert.ok(stats.tables.some((table) => table.table === 'audit_events'));
      assert.deepEqual(stats.totals, {
        rows: stats.tables.reduce((sum, table) => sum + table.rows, 0),
        bytes: stats.tables.reduce((sum, table) => sum + table.bytes, 0),
      });
      if (engine.name === 'sqlite') {
        const file = join(database.dataDir, 'gatehouse.db');
        assert.equal(stats.location, file);
        assert.equal(stats.files?.database, statSync(file).size);
      } else {
        assert.equal(stats.files, undefined);
        assert.match(stats.location, new RegExp(`schema ${database.postgresSchema}$`));
      }
    });

    it('prints a table for people, with the totals', async () => {
      const result = await runCli(['db', 'stats'], { env: databaseOnly(database), cwd: database.dataDir });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^table +rows +size$/m);
      assert.match(result.stdout, /^users +2 +\d+\.\d (KiB|MiB)$/m);
      assert.match(result.stdout, /^total +\d+ +\d+\.\d (KiB|MiB)$/m);
      if (engine.name === 'sqlite') assert.match(result.stdout, /^files: database \S+ KiB, -wal .+, -shm .+, together .+$/m);
    });
  });
});

describe('gatehouse db stats without a database', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-db-stats-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('says there is no SQLite database, creating none, with exit code 3', async () => {
    const result = await runCli(['db', 'stats'], { env: { GATEHOUSE_DATA_DIR: dataDir }, cwd: dataDir });
    assertOneLineFailure(result, 3, /no SQLite database at .*gatehouse\.db$/m);
    assert.equal(statSync(join(dataDir, 'gatehouse.db'), { throwIfNoEntry: false }), undefined, 'read only: nothing was created');
  });

  it('names an unreachable PostgreSQL server by address, never the password, with exit code 3', async () => {
    const env = { GATEHOUSE_DATABASE_URL: 'postgres://gatehouse:hunter2-secret@127.0.0.1:1/gatehouse' };
    const result = await runCli(['db', 'stats', '--json'], { env, cwd: dataDir });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^\{"error":"cannot connect to PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED"\}\n$/);
    assert.doesNotMatch(result.stderr, /hunter2/);
  });

  it('refuses a database URL of another kind as invalid configuration, with exit code 2', async () => {
    const result = await runCli(['db', 'stats'], { env: { GATEHOUSE_DATABASE_URL: 'mysql://root@127.0.0.1/gatehouse' }, cwd: dataDir });
    assertOneLineFailure(result, 2, /invalid configuration: `databaseUrl`/);
  });
});
