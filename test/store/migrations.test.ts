// Store contract, migrations: applied at open, idempotent, reported by migrateStore, safe when processes start together.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateStore, openStore } from '../../src/store/open.js';
import { createTestDatabase, engines, forEachEngine, type TestDatabase } from '../support/database.js';
import { aClient, aSession, aUser, NOW } from './fixtures.js';
import { raceProcesses } from './race.js';

const ALL_MIGRATIONS = [
  '001-initial',
  '002-refresh-retry',
  '003-login-throttle',
  '004-interactions',
  '005-signing-keys-per-algorithm',
  '006-interaction-steps',
  '007-audit-pruned-head',
  '008-apis',
  '009-revoked-access-tokens',
  '010-client-assertions',
  '011-logout',
  '012-device-authorization',
  '013-pushed-authorization-requests',
  '014-dpop',
  '015-account',
  '016-flow-ids',
  '017-admin-role',
  '018-family-context',
  '019-audit-lookups',
  '020-audit-head-seal',
  '021-logout-lookups',
];

async function withDatabase(engine: { name: 'sqlite' | 'postgres' }, work: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await createTestDatabase(engine);
  try {
    await work(database);
  } finally {
    await database.cleanup();
  }
}

forEachEngine((engine) => {
  describe('migrations', () => {
    it('reports the migrations it applied, then nothing once up to date', () =>
      withDatabase(engine, async (database) => {
        assert.deepEqual(await migrateStore(database), { applied: ALL_MIGRATIONS });
        assert.deepEqual(await migrateStore(database), { applied: [] });
      }));

    it('migrates at open, and opening again keeps the data and applies nothing', () =>
      withDatabase(engine, async (database) => {
        const client = aClient();
        const first = await openStore(database);
        await first.clients.create(client);
        await first.close();
        const second = await openStore(database);
        assert.deepEqual(await second.clients.findById(client.clientId), client);
        await second.close();
        assert.deepEqual(await migrateStore(database), { applied: [] });
      }));

    it('opens a store on a database migrated by migrateStore', () =>
      withDatabase(engine, async (database) => {
        await migrateStore(database);
        const store = await openStore(database);
        await store.ping();
        await store.close();
      }));

    it('021 removes the logout participants whose session is gone, which the sweep used to remove, and keeps the rest', () =>
      withDatabase(engine, async (database) => {
        const store = await openStore(database);
        const [user, client] = [aUser(), aClient()];
        await store.users.create(user);
        await store.clients.create(client);
        const session = aSession(user);
        await store.sessions.create(session);
        await store.backChannelLogout.recordParticipant(session.sessionId, client.clientId, NOW);
        await store.close();
        // The database as it was before 021, holding a participant of a session already swept.
        for (const statement of [
          'drop index device_authorizations_session_id',
          'drop index device_authorizations_user_id',
          'drop index logout_deliveries_due',
          'create index logout_deliveries_next_attempt_at on logout_deliveries (next_attempt_at)',
          "delete from kysely_migration where name = '021-logout-lookups'",
          `insert into session_clients (session_id, client_id, created_at) values ('swept-session', '${client.clientId}', ${NOW})`,
        ]) await database.sql(statement);
        assert.deepEqual(await migrateStore(database), { applied: ['021-logout-lookups'] });
        const rows = await database.sql('select session_id from session_clients');
        assert.deepEqual(rows.map((row) => row.session_id), [session.sessionId]);
      }));

    it('migrates once when several processes start on a fresh database together', () =>
      withDatabase(engine, async (database) => {
        const applied = await raceProcesses({ operation: 'migrate', databaseUrl: database.databaseUrl, dataDir: database.dataDir }, 4);
        assert.deepEqual(applied, ALL_MIGRATIONS);
        const store = await openStore(database);
        assert.deepEqual(await store.clients.list(), []);
        await store.close();
      }));
  });
});

const postgres = engines.find((engine) => engine.name === 'postgres')!;

describe('migrations on PostgreSQL within one process', { skip: postgres.skipReason ?? false }, () => {
  it('opens two stores at once on a fresh schema: both succeed and the schema is migrated once', () =>
    withDatabase(postgres, async (database) => {
      const [first, second] = await Promise.all([openStore(database), openStore(database)]);
      const client = aClient();
      await first.clients.create(client);
      assert.deepEqual(await second.clients.findById(client.clientId), client);
      await Promise.all([first.close(), second.close()]);
      const rows = await database.sql('select name from kysely_migration');
      assert.deepEqual(rows.map((row) => row.name), ALL_MIGRATIONS);
    }));

  it('keeps schemas apart: a store in one schema does not see the rows of another', () =>
    withDatabase(postgres, (one) =>
      withDatabase(postgres, async (other) => {
        const [first, second] = await Promise.all([openStore(one), openStore(other)]);
        await first.clients.create(aClient());
        assert.deepEqual(await second.clients.list(), []);
        assert.equal((await first.clients.list()).length, 1);
        await Promise.all([first.close(), second.close()]);
      }),
    ));

  it('looks only at its own schema: migrating is unaffected by schemas being created and dropped meanwhile', () =>
    withDatabase(postgres, async (database) => {
      // Another deployment's (or test run's) schemas appear and vanish while this one starts and migrates.
      const churn = async () => {
        for (let round = 0; round < 40; round += 1) {
          const name = `gatehouse_churn_${process.pid}_${round}`;
          await database.sql(`create schema ${name}; create table ${name}.t (id int)`);
          await database.sql(`drop schema ${name} cascade`);
        }
      };
      const [store] = await Promise.all([openStore(database), churn()]);
      await store.close();
      const rows = await database.sql('select name from kysely_migration');
      assert.deepEqual(rows.map((row) => row.name), ALL_MIGRATIONS);
    }));
});
