// Store contract, the audit chain head's seal: forgeries of the head found, rotation honoured, unsealed heads told apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_CHAIN_PURPOSE } from '../../src/observability/audit.js';
import { openStore } from '../../src/store/open.js';
import type { AuditEventRecord } from '../../src/store/records.js';
import type { AuditRepository, AuditSealer, SealedStore } from '../../src/store/store.js';
import { createMessageAuthentication } from '../../src/tokens/keys/message-authentication.js';
import { breakOf, cutTail, dropPrefix, rewriteTail } from '../support/audit-tampering.js';
import { forEachEngine, useTestStore, type TestStore } from '../support/database.js';
import { CLI_ENCRYPTION_SECRET } from '../support/secrets.js';
import { anAuditEvent } from './fixtures.js';

const ROTATED_SECRET = 'rotated-key-encryption-secret-0123456789';
const UNRELATED_SECRET = 'unrelated-key-encryption-secret-0123456789';

const sealerOf = (current: string, previous: readonly string[] = []): AuditSealer => createMessageAuthentication({ current, previous }, AUDIT_CHAIN_PURPOSE);

async function appendEvents(store: SealedStore, count: number): Promise<AuditEventRecord[]> {
  const events: AuditEventRecord[] = [];
  for (let index = 0; index < count; index += 1) events.push(await store.audit.append(anAuditEvent()));
  return events;
}

/** The same database opened as another instance would, sealing under `sealer`; closed after `work`. */
async function withInstance<T>(database: TestStore, sealer: AuditSealer, work: (store: SealedStore) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir }, sealer);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

forEachEngine((engine) => {
  describe('audit chain head seal', () => {
    const current = useTestStore(engine);

    it('names a tail rewritten into a consistent chain, with the head moved to its end, as a forged head', async () => {
      const database = current();
      const events = await appendEvents(database.store, 6);
      await rewriteTail(database, 4, events[2]!.hash, 2);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 5, firstBreak: { sequence: 5, position: 5, kind: 'head_forged' } });
    });

    it('names a tail cut off, with the head reset to the new last event, as a forged head', async () => {
      const database = current();
      const events = await appendEvents(database.store, 6);
      await cutTail(database, events[3]!);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 4, position: 4, kind: 'head_forged' });
    });

    it('names a prefix deleted, with the pruned head moved to match, as a forged head', async () => {
      const database = current();
      const events = await appendEvents(database.store, 6);
      await dropPrefix(database, events[2]!);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 6, position: 3, kind: 'head_forged' });
    });

    it('keeps a forged seal through later appends and prunes, so the forgery stays visible', async () => {
      const database = current();
      const events = await appendEvents(database.store, 4);
      await cutTail(database, events[1]!);
      await appendEvents(database.store, 2);
      await database.store.audit.prune(Number.MAX_SAFE_INTEGER, 1);
      assert.equal(breakOf(await database.store.audit.verifyChain())?.kind, 'head_forged');
    });

    it('names an event forged past a forged head as a forged head, not an insertion', async () => {
      const database = current();
      const events = await appendEvents(database.store, 4);
      // The head moved back without the events: every event past it looks appended behind its back.
      await database.sql(`update audit_chain_head set sequence = 2, hash = '${events[1]!.hash}'`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 4, position: 4, kind: 'head_forged' });
    });

    it('re-seals on every prune, so pruning keeps the head verifiable', async () => {
      const database = current();
      await appendEvents(database.store, 3);
      assert.equal(await database.store.audit.prune(Number.MAX_SAFE_INTEGER, 2), 2);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: true, checked: 1, head: { sequence: 3, hash: (await database.store.audit.list({ limit: 1 }))[0]!.hash }, sealed: true });
    });

    it('verifies a head sealed under a previous secret after rotation, and re-seals it under the current one at the next append', async () => {
      const database = current();
      await appendEvents(database.store, 2);
      await withInstance(database, sealerOf(ROTATED_SECRET, [CLI_ENCRYPTION_SECRET]), async (rotated) => {
        assert.equal((await rotated.audit.verifyChain()).intact, true);
        await appendEvents(rotated, 1);
      });
      // The previous secret has since been dropped: the head sealed at the last append needs only the current one.
      const verification = await withInstance(database, sealerOf(ROTATED_SECRET), (rotated) => rotated.audit.verifyChain());
      assert.deepEqual([verification.intact, verification.intact && verification.sealed], [true, true]);
    });

    it('names a head sealed under an unrelated secret as forged', async () => {
      const database = current();
      await appendEvents(database.store, 2);
      const verification = await withInstance(database, sealerOf(UNRELATED_SECRET), (other) => other.audit.verifyChain());
      assert.deepEqual(breakOf(verification), { sequence: 2, position: 2, kind: 'head_forged' });
    });

    it('reports a head never sealed as intact but unsealed, and seals it at the next append', async () => {
      const database = current();
      const events = await appendEvents(database.store, 2);
      await database.sql('update audit_chain_head set seal = null');
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: true, checked: 2, head: { sequence: 2, hash: events[1]!.hash }, sealed: false });
      const [next] = await appendEvents(database.store, 1);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: true, checked: 3, head: { sequence: 3, hash: next!.hash }, sealed: true });
    });

    it('refuses to append through a store opened without the sealer, whatever its type was cast to, and changes nothing', async () => {
      const database = current();
      await appendEvents(database.store, 1);
      const reader = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
      try {
        const cast = reader.audit as AuditRepository;
        await assert.rejects(cast.append(anAuditEvent()), /opened without the audit sealer/);
        await assert.rejects(cast.prune(Number.MAX_SAFE_INTEGER, 10), /opened without the audit sealer/);
        await assert.rejects(cast.verifyChain(), /opened without the audit sealer/);
      } finally {
        await reader.close();
      }
      assert.deepEqual((await database.store.audit.listAfter(0, { limit: 10 })).map((event) => event.sequence), [1]);
    });
  });
});
