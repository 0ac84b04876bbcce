// Prepared queries on both engines: named parameters bound per call, constants kept, one compile per database, refusals.
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { NoResultError, sql } from 'kysely';
import type { EngineConnection } from '../../src/store/engine.js';
import { prepareQuery, type Param, UnpreparableQueryError } from '../../src/store/kysely/prepared-query.js';
import type { Db } from '../../src/store/kysely/transaction.js';
import { connectPostgres, parsePostgresUrl } from '../../src/store/postgres.js';
import { connectSqlite, resolveSqliteFile } from '../../src/store/sqlite.js';
import { createTestDatabase, engines, forEachEngine, type TestDatabase, type TestEngine } from '../support/database.js';

interface OpenDatabase {
  readonly db: Db;
  close(): Promise<void>;
}

async function openDatabase(engine: Pick<TestEngine, 'name'>): Promise<OpenDatabase> {
  const database: TestDatabase = await createTestDatabase(engine);
  const connection: EngineConnection =
    engine.name === 'sqlite'
      ? connectSqlite(resolveSqliteFile(database.databaseUrl, database.dataDir))
      : connectPostgres(parsePostgresUrl(database.databaseUrl));
  await connection.migrate();
  return {
    db: connection.db,
    close: async () => {
      await connection.db.destroy();
      await database.cleanup();
    },
  };
}

async function seedThrottleRows(db: Db): Promise<void> {
  await db
    .insertInto('login_throttle')
    .values([
      { throttle_key: 'a', failures: 3, last_failure_at: 100, locked_until: 200 },
      { throttle_key: 'b', failures: 3, last_failure_at: 150, locked_until: 300 },
      { throttle_key: 'c', failures: 5, last_failure_at: 150, locked_until: 300 },
    ])
    .execute();
}

// Parameters named out of the order they appear in, around a constant the query binds itself.
const lockedWithThreeFailures = prepareQuery((db, param: Param<{ key: string; now: number }>) =>
  db
    .selectFrom('login_throttle')
    .select(['throttle_key', 'locked_until'])
    .where('locked_until', '>', param('now'))
    .where('failures', '=', 3)
    .where('throttle_key', '>=', param('key'))
    .orderBy('throttle_key'),
);

forEachEngine((engine) => {
  describe('prepared queries', () => {
    let current: OpenDatabase | undefined;
    beforeEach(async () => {
      current = await openDatabase(engine);
      await seedThrottleRows(current.db);
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const db = (): Db => {
      if (current === undefined) throw new Error('the database exists only while a test runs');
      return current.db;
    };

    it('binds each call its own values by name, in the order the SQL takes them, and keeps the constants the query bound', async () => {
      assert.deepEqual(await lockedWithThreeFailures.execute(db(), { key: 'a', now: 250 }), [{ throttle_key: 'b', locked_until: 300 }]);
      assert.deepEqual(await lockedWithThreeFailures.execute(db(), { key: 'a', now: 0 }), [
        { throttle_key: 'a', locked_until: 200 },
        { throttle_key: 'b', locked_until: 300 },
      ]);
      assert.deepEqual(await lockedWithThreeFailures.execute(db(), { key: 'b', now: 0 }), [{ throttle_key: 'b', locked_until: 300 }]);
      const { parameters } = lockedWithThreeFailures.compiledFor(db());
      assert.equal(parameters[1], 3, 'the constant stays in its place');
      assert.match(String(parameters[0]), /:now$/);
      assert.match(String(parameters[2]), /:key$/);
    });

    it('binds a parameter used twice at both of its places', async () => {
      const lockBoth = prepareQuery((db, param: Param<{ until: number; key: string }>) =>
        db
          .updateTable('login_throttle')
          .set({ locked_until: param('until'), last_failure_at: param('until') })
          .where('throttle_key', '=', param('key')),
      );
      assert.equal(await lockBoth.executeWrite(db(), { until: 999, key: 'c' }), 1n);
      assert.equal(await lockBoth.executeWrite(db(), { until: 999, key: 'nobody' }), 0n);
      const row = await db().selectFrom('login_throttle').selectAll().where('throttle_key', '=', 'c').executeTakeFirstOrThrow();
      assert.deepEqual(row, { throttle_key: 'c', failures: 5, last_failure_at: 999, locked_until: 999 });
    });

    it('runs on the database and inside its transactions, building the query once for both', async () => {
      let builds = 0;
      const findKey = prepareQuery((db, param: Param<{ key: string }>) => {
        builds += 1;
        return db.selectFrom('login_throttle').select('failures').where('throttle_key', '=', param('key'));
      });
      assert.deepEqual(await findKey.executeTakeFirst(db(), { key: 'c' }), { failures: 5 });
      const inside = await db()
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('login_throttle').values({ throttle_key: 'd', failures: 7, last_failure_at: 1, locked_until: 0 }).execute();
          return findKey.executeTakeFirst(trx, { key: 'd' });
        });
      assert.deepEqual(inside, { failures: 7 });
      assert.equal(await findKey.executeTakeFirst(db(), { key: 'nobody' }), undefined);
      assert.equal(builds, 1);
    });

    it('throws NoResultError, as Kysely does, when a row was required and none came', async () => {
      const findKey = prepareQuery((db, param: Param<{ key: string }>) => db.selectFrom('login_throttle').select('failures').where('throttle_key', '=', param('key')));
      assert.deepEqual(await findKey.executeTakeFirstOrThrow(db(), { key: 'a' }), { failures: 3 });
      await assert.rejects(findKey.executeTakeFirstOrThrow(db(), { key: 'nobody' }), NoResultError);
    });

    it('refuses a parameter the query never binds, naming it', async () => {
      const forgetful = prepareQuery((db, param: Param<{ key: string; now: number }>) => {
        param('now');
        return db.selectFrom('login_throttle').select('failures').where('throttle_key', '=', param('key'));
      });
      await assert.rejects(forgetful.execute(db(), { key: 'a', now: 1 }), {
        name: 'UnpreparableQueryError',
        message: 'query parameter now does not appear in the compiled query',
      });
    });

    it('refuses a parameter changed on its way into the query, whether appended to, prefixed or inside an object', () => {
      const changes: ReadonlyArray<(key: string) => string> = [(key) => `${key}%`, (key) => `%${key}`];
      for (const change of changes) {
        const like = prepareQuery((db, param: Param<{ key: string }>) => db.selectFrom('login_throttle').select('failures').where('throttle_key', 'like', change(param('key'))));
        assert.throws(() => like.compiledFor(db()), { name: 'UnpreparableQueryError', message: 'a query parameter was transformed before it reached the SQL' });
      }
      const wrapped = prepareQuery((db, param: Param<{ key: string }>) =>
        db.selectFrom('login_throttle').select('failures').where(sql<boolean>`throttle_key = ${{ key: param('key') }}`),
      );
      assert.throws(() => wrapped.compiledFor(db()), UnpreparableQueryError);
    });

    it('refuses a parameter written into the SQL text rather than bound', async () => {
      const literal = prepareQuery((db, param: Param<{ key: string }>) => db.selectFrom('login_throttle').select('failures').where('throttle_key', '=', sql.lit(param('key'))));
      await assert.rejects(literal.execute(db(), { key: 'a' }), { name: 'UnpreparableQueryError', message: 'a query parameter was written into the SQL text' });
    });
  });
});

describe('prepared queries on both engines in one process', { skip: engines.some((engine) => engine.skipReason !== undefined) }, () => {
  const opened: OpenDatabase[] = [];
  after(() => Promise.all(opened.map((database) => database.close())));

  it('compiles the query for each database with its own dialect and runs it on each', async () => {
    let builds = 0;
    const findKey = prepareQuery((db, param: Param<{ key: string }>) => {
      builds += 1;
      return db.selectFrom('login_throttle').select('locked_until').where('throttle_key', '=', param('key'));
    });
    const [sqlite, postgres] = await Promise.all([openDatabase({ name: 'sqlite' }), openDatabase({ name: 'postgres' })]);
    opened.push(sqlite, postgres);
    await Promise.all([seedThrottleRows(sqlite.db), seedThrottleRows(postgres.db)]);
    // Interleaved, so neither compiled form can leak into the other engine.
    for (const database of [sqlite, postgres, sqlite, postgres]) {
      assert.deepEqual(await findKey.executeTakeFirst(database.db, { key: 'b' }), { locked_until: 300 });
    }
    assert.match(findKey.compiledFor(sqlite.db).sql, /"throttle_key" = \?$/);
    assert.match(findKey.compiledFor(postgres.db).sql, /"throttle_key" = \$1$/);
    assert.equal(builds, 2);
  });
});
