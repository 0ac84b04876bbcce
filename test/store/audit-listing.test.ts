// Store contract, reading the audit trail: filtered listing newest first, and pages by sequence oldest first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { anAuditEvent, NOW } from './fixtures.js';

forEachEngine((engine) => {
  describe('audit listing', () => {
    const current = useTestStore(engine);

    it('filters by user, client, type and time, together', async () => {
      const { store } = current();
      await store.audit.append(anAuditEvent({ userId: 'alice', clientId: 'app', type: 'login.succeeded', occurredAt: NOW - 300 }));
      await store.audit.append(anAuditEvent({ userId: 'bob', clientId: 'app', type: 'login.succeeded', occurredAt: NOW - 200 }));
      await store.audit.append(anAuditEvent({ userId: 'alice', clientId: null, type: 'user.disabled', occurredAt: NOW - 100 }));
      await store.audit.append(anAuditEvent({ userId: 'alice', clientId: 'other', type: 'login.succeeded', occurredAt: NOW }));
      const sequences = async (filter: Parameters<typeof store.audit.list>[0]) => (await store.audit.list(filter)).map((event) => event.sequence);
      assert.deepEqual(await sequences({ limit: 10, userId: 'alice' }), [4, 3, 1]);
      assert.deepEqual(await sequences({ limit: 10, clientId: 'app' }), [2, 1]);
      assert.deepEqual(await sequences({ limit: 10, userId: 'alice', type: 'login.succeeded' }), [4, 1]);
      assert.deepEqual(await sequences({ limit: 10, since: NOW - 200, until: NOW - 100 }), [3, 2], 'both bounds are inclusive');
      assert.deepEqual(await sequences({ limit: 1, userId: 'alice', since: NOW - 300 }), [4]);
      assert.deepEqual(await sequences({ limit: 10, userId: 'carol' }), []);
    });

    it('pages after a sequence number, oldest first, optionally from a time on', async () => {
      const { store } = current();
      for (const age of [500, 400, 300, 200, 100]) await store.audit.append(anAuditEvent({ occurredAt: NOW - age }));
      const page = async (after: number, options: { limit: number; since?: number }) => (await store.audit.listAfter(after, options)).map((event) => event.sequence);
      assert.deepEqual(await page(0, { limit: 2 }), [1, 2]);
      assert.deepEqual(await page(2, { limit: 2 }), [3, 4]);
      assert.deepEqual(await page(4, { limit: 2 }), [5]);
      assert.deepEqual(await page(5, { limit: 2 }), []);
      assert.deepEqual(await page(0, { limit: 10, since: NOW - 300 }), [3, 4, 5]);
      const [first] = await store.audit.listAfter(0, { limit: 1 });
      assert.deepEqual(first, (await store.audit.list({ limit: 10 })).at(-1));
    });
  });
});
