// The test stores of a process share one migration (a copied SQLite file, reused PostgreSQL schemas): each must still
// start exactly as a freshly migrated database, whatever the store before it did.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { aClient, anAuditEvent, aUser } from '../store/fixtures.js';
import { createTestDatabase, createTestStore, forEachEngine, type TestDatabase, type TestEngine } from './database.js';
import { TEST_AUDIT_SEALER } from './secrets.js';

const COMPILED = !fileURLToPath(import.meta.url).endsWith('.ts');

function tablesOf(database: TestDatabase): Promise<Array<Record<string, unknown>>> {
  return database.engine === 'sqlite'
    ? database.sql("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name")
    : database.sql("select table_name as name from information_schema.tables where table_schema = current_schema() order by table_name");
}

/** Every row of every table but the migration log, whose timestamps tell when the migration ran. */
async function contentsOf(database: TestDatabase): Promise<Record<string, unknown>> {
  const contents: Record<string, unknown> = {};
  for (const { name } of await tablesOf(database)) {
    if (name === 'kysely_migration') continue;
    contents[String(name)] = await database.sql(`select * from ${String(name)} order by 1`);
  }
  return contents;
}

async function columnsOf(database: TestDatabase, table: string): Promise<unknown[]> {
  const rows = database.engine === 'sqlite'
    ? await database.sql(`select name from pragma_table_info('${table}')`)
    : await database.sql(`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = '${table}'`);
  return rows.map((row) => row.name);
}

/** What a store on a database migrated just now holds: no store of the process was ever on it. */
async function freshlyMigratedContents(engine: TestEngine): Promise<Record<string, unknown>> {
  const database = await createTestDatabase(engine);
  try {
    const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir }, TEST_AUDIT_SEALER);
    await store.close();
    return await contentsOf(database);
  } finally {
    await database.cleanup();
  }
}

async function schemaExists(database: TestDatabase, schema: string): Promise<boolean> {
  const [row] = await database.sql(`select count(*)::int as count from pg_namespace where nspname = '${schema}'`);
  return row?.count === 1;
}

/** Runs `script` in a process of its own, with `createTestStore` in scope, and returns what it printed. */
async function inAnotherProcess(script: string): Promise<string> {
  const database = new URL(COMPILED ? './database.js' : './database.ts', import.meta.url).href;
  const source = `const { createTestStore } = await import(${JSON.stringify(database)});\n${script}`;
  const loader = COMPILED ? [] : ['--import', 'tsx'];
  const { stdout } = await promisify(execFile)(process.execPath, [...loader, '--input-type=module', '--eval', source]);
  return stdout;
}

forEachEngine((engine) => {
  describe('test stores sharing one migration', () => {
    it('starts a store after another was cleaned up as freshly migrated: no rows, the audit chain at its genesis', async () => {
      const fresh = await freshlyMigratedContents(engine);
      const first = await createTestStore(engine);
      await first.store.clients.create(aClient());
      await first.store.users.create(aUser());
      await first.store.audit.append(anAuditEvent());
      await first.sql("update audit_chain_head set hash = 'f00d'");
      await first.cleanup();

      const second = await createTestStore(engine);
      try {
        if (engine.name === 'postgres') assert.equal(second.postgresSchema, first.postgresSchema, 'the schema was reused');
        assert.deepEqual(await contentsOf(second), fresh);
        assert.deepEqual(await second.store.audit.verifyChain(), { intact: true, checked: 0, head: { sequence: 0, hash: '0'.repeat(64) }, sealed: false });
        assert.equal((await second.store.audit.append(anAuditEvent())).sequence, 1);
      } finally {
        await second.cleanup();
      }
    });

    it('never hands out again a database whose structure a test changed', async () => {
      const altered = await createTestStore(engine);
      await altered.sql('alter table users add column x text');
      await altered.cleanup();

      const next = await createTestStore(engine);
      try {
        assert.ok(!(await columnsOf(next, 'users')).includes('x'), 'the next store has no such column');
        if (engine.name === 'postgres') {
          assert.notEqual(next.postgresSchema, altered.postgresSchema);
          assert.equal(await schemaExists(next, altered.postgresSchema!), false, 'the altered schema was dropped');
        }
      } finally {
        await next.cleanup();
      }
    });

    if (engine.name !== 'postgres') return;

    it('drops the schemas left in the pool when the test process ends', async () => {
      const printed = await inAnotherProcess(`
        const database = await createTestStore({ name: 'postgres' });
        await database.cleanup();
        const [row] = await database.sql(\`select count(*)::int as count from pg_namespace where nspname = '\${database.postgresSchema}'\`);
        console.log(JSON.stringify({ schema: database.postgresSchema, pooled: row.count === 1 }));
      `);
      const { schema, pooled } = JSON.parse(printed) as { schema: string; pooled: boolean };
      assert.ok(pooled, 'the schema outlived its store, in the pool');
      const probe = await createTestDatabase(engine);
      try {
        assert.equal(await schemaExists(probe, schema), false);
      } finally {
        await probe.cleanup();
      }
    });
  });
});
