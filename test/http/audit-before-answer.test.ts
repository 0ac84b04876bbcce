// A response waits for its own audit rows: what a client was told happened is on record before it is told.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { postToken } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const CHAIN_HEAD_HELD_MS = 500;

forEachEngine((engine) => {
  describe(`audit rows before the answer (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('has the request\'s audit row on record by the time the client reads the answer', async () => {
      const { server } = suite;
      const service = await createServiceClient(server, [await createApi(server)]);
      for (let round = 0; round < 20; round += 1) {
        assert.equal((await postToken(server, { grant_type: 'client_credentials' }, { as: service })).status, 200);
        const issued = await server.store.audit.list({ limit: 100, type: 'token.issued', clientId: service.client.clientId });
        assert.equal(issued.length, round + 1);
      }
    });

    // Only PostgreSQL can hold the chain head while the token itself is issued: SQLite's one writer would hold both.
    it('holds the answer while the audit trail cannot be written, and sends it once it can', { skip: engine.name === 'sqlite' && 'needs row locks' }, async () => {
      const { server, database } = suite;
      const service = await createServiceClient(server, [await createApi(server)]);
      const url = new URL(database.databaseUrl);
      url.searchParams.delete('schema');
      const blocker = new pg.Client({ connectionString: url.toString() });
      await blocker.connect();
      try {
        await blocker.query('begin');
        await blocker.query(`select * from "${database.postgresSchema}".audit_chain_head for update`);
        const answer = postToken(server, { grant_type: 'client_credentials' }, { as: service });
        const first = await Promise.race([answer.then(() => 'answered'), delay(CHAIN_HEAD_HELD_MS).then(() => 'held')]);
        assert.equal(first, 'held');
        await blocker.query('rollback');
        assert.equal((await answer).status, 200);
        assert.equal((await server.store.audit.list({ limit: 10, type: 'token.issued', clientId: service.client.clientId })).length, 1);
      } finally {
        await blocker.end();
      }
    });
  });
});
