// Store contract, transactions: repositories bound to one transaction, commit, rollback, joining an open one, ping and close.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createTestStore, forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, anAuditEvent, aUser, NOW, seedClientAndUser } from './fixtures.js';

class Abort extends Error {}

forEachEngine((engine) => {
  describe('transactions', () => {
    const current = useTestStore(engine);

    it('commits every write made through the transaction store and returns its result', async () => {
      const { store } = current();
      const client = aClient();
      const user = aUser();
      const result = await store.transaction(async (trx) => {
        await trx.clients.create(client);
        await trx.users.create(user);
        assert.deepEqual(await trx.clients.findById(client.clientId), client, 'reads see the transaction\'s own writes');
        return 'done';
      });
      assert.equal(result, 'done');
      assert.ok(await store.clients.findById(client.clientId));
      assert.ok(await store.users.findById(user.userId));
    });

    it('rolls back every write when the work throws, and rethrows', async () => {
      const { store } = current();
      const client = aClient();
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.clients.create(client);
          await trx.audit.append(anAuditEvent());
          throw new Abort('no');
        }),
        Abort,
      );
      assert.equal(await store.clients.findById(client.clientId), undefined);
      assert.deepEqual(await store.audit.list({ limit: 10 }), []);
      assert.equal((await store.audit.append(anAuditEvent())).sequence, 1, 'the chain head rolled back too');
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('undoes a redemption rolled back with its transaction, so the code can be redeemed again', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const code = aCode(client, user);
      await store.authorizationCodes.create(code);
      await assert.rejects(
        store.transaction(async (trx) => {
          assert.equal((await trx.authorizationCodes.consume(code.codeHash, NOW)).outcome, 'redeemed');
          throw new Abort('token signing failed');
        }),
        Abort,
      );
      assert.equal((await store.authorizationCodes.consume(code.codeHash, NOW)).outcome, 'redeemed');
    });

    it('runs a nested transaction inside the open one: an inner failure undoes the outer writes', async () => {
      const { store } = current();
      const outer = aClient();
      const inner = aClient();
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.clients.create(outer);
          await trx.transaction(async (nested) => {
            await nested.clients.create(inner);
            throw new Abort('inner');
          });
        }),
        Abort,
      );
      assert.equal(await store.clients.findById(outer.clientId), undefined);
      assert.equal(await store.clients.findById(inner.clientId), undefined);
    });

    it('keeps multi-step operations atomic inside a transaction that rolls back', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.users.disable(user.userId, NOW);
          throw new Abort('later step failed');
        }),
        Abort,
      );
      assert.equal((await store.users.findById(user.userId))?.disabledAt, null);
    });

    it('reports a DuplicateError from inside a transaction and leaves nothing behind', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      const fresh = aClient();
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.clients.create(fresh);
          await trx.clients.create(aClient({ clientName: client.clientName }));
        }),
        { name: 'DuplicateError', field: 'client_name' },
      );
      assert.equal(await store.clients.findById(fresh.clientId), undefined);
    });

    it('refuses to close the store from inside a transaction', async () => {
      const { store } = current();
      await store.transaction(async (trx) => {
        await assert.rejects(trx.close(), /not a transaction/);
      });
      await store.ping();
    });
  });

  describe('ping and close', () => {
    it('answers a ping while open and throws StoreUnavailableError once closed', async () => {
      const database = await createTestStore(engine);
      try {
        assert.equal(database.store.engine, engine.name);
        await database.store.ping();
        await database.store.close();
        await assert.rejects(database.store.ping(), StoreUnavailableError);
      } finally {
        await database.cleanup();
      }
    });
  });
});
