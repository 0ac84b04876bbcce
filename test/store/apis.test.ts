// Store contract, APIs: registration, unique identifiers, updates, client access, resource servers, and cleanup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiRecord } from '../../src/store/records.js';
import { DuplicateError } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, aFamily, NOW, seedClientAndUser, uniqueId } from './fixtures.js';

function anApi(overrides: Partial<ApiRecord> = {}): ApiRecord {
  return {
    identifier: `https://${uniqueId('api')}.example/v1`,
    name: 'Invoices',
    scopes: [
      { name: 'read:invoices', description: 'Read your invoices' },
      { name: 'write:invoices', description: 'Change your invoices' },
    ],
    accessTokenTtl: 300,
    resourceServerClientIds: [],
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

forEachEngine((engine) => {
  describe('apis', () => {
    const current = useTestStore(engine);

    it('stores an API with its resource servers and finds it field for field; lists by identifier', async () => {
      const { store } = current();
      const [first, second] = [aClient(), aClient()];
      await store.clients.create(first);
      await store.clients.create(second);
      const api = anApi({ identifier: 'https://b.example/', resourceServerClientIds: [first.clientId, second.clientId].sort(), accessTokenTtl: null });
      const earlier = anApi({ identifier: 'https://a.example/' });
      await store.apis.create(api);
      await store.apis.create(earlier);
      assert.deepEqual(await store.apis.findByIdentifier(api.identifier), api);
      assert.deepEqual(await store.apis.list(), [earlier, api]);
      assert.equal(await store.apis.findByIdentifier('https://c.example/'), undefined);
    });

    it('refuses a second API with the same identifier', async () => {
      const { store } = current();
      const api = anApi();
      await store.apis.create(api);
      await assert.rejects(store.apis.create(anApi({ identifier: api.identifier })), (error: unknown) => error instanceof DuplicateError && error.field === 'identifier');
    });

    it('updates the given fields, replacing the resource servers as a whole', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      const api = anApi({ resourceServerClientIds: [client.clientId] });
      await store.apis.create(api);
      const scopes = [{ name: 'read:invoices', description: 'See invoices' }];
      const updated = await store.apis.update(api.identifier, { name: 'Billing', scopes, accessTokenTtl: null, resourceServerClientIds: [] }, NOW + 5);
      assert.deepEqual(updated, { ...api, name: 'Billing', scopes, accessTokenTtl: null, resourceServerClientIds: [], updatedAt: NOW + 5 });
      const renamed = await store.apis.update(api.identifier, { name: 'Ledger' }, NOW + 6);
      assert.deepEqual(renamed?.scopes, scopes);
      assert.equal(await store.apis.update('https://none.example/', { name: 'x' }, NOW), undefined);
    });

    it('allows a client an API, replaces the allowance, lists it with the API, and withdraws it', async () => {
      const { store } = current();
      const { client } = await seedClientAndUser(store);
      const [api, other] = [anApi({ identifier: 'https://z.example/' }), anApi({ identifier: 'https://y.example/' })];
      await store.apis.create(api);
      await store.apis.create(other);
      await store.apis.allowClient(client.clientId, api.identifier, 'read:invoices', NOW);
      await store.apis.allowClient(client.clientId, other.identifier, 'write:invoices', NOW);
      await store.apis.allowClient(client.clientId, api.identifier, 'read:invoices write:invoices', NOW + 1);
      assert.deepEqual(await store.apis.listForClient(client.clientId), [
        { clientId: client.clientId, api: other, scope: 'write:invoices' },
        { clientId: client.clientId, api, scope: 'read:invoices write:invoices' },
      ]);
      assert.equal(await store.apis.disallowClient(client.clientId, other.identifier), true);
      assert.equal(await store.apis.disallowClient(client.clientId, other.identifier), false);
      assert.deepEqual((await store.apis.listForClient(client.clientId)).map((access) => access.api.identifier), [api.identifier]);
      assert.deepEqual(await store.apis.listForClient('nobody'), []);
    });

    it('deleting an API removes every client\'s access to it; deleting a client removes its access and resource server roles', async () => {
      const { store } = current();
      const { client } = await seedClientAndUser(store);
      const [api, kept] = [anApi(), anApi({ resourceServerClientIds: [client.clientId] })];
      await store.apis.create(api);
      await store.apis.create(kept);
      await store.apis.allowClient(client.clientId, api.identifier, 'read:invoices', NOW);
      await store.apis.allowClient(client.clientId, kept.identifier, 'read:invoices', NOW);
      assert.equal(await store.apis.delete(api.identifier), true);
      assert.equal(await store.apis.delete(api.identifier), false);
      assert.deepEqual((await store.apis.listForClient(client.clientId)).map((access) => access.api.identifier), [kept.identifier]);
      assert.equal(await store.clients.delete(client.clientId), true);
      assert.deepEqual((await store.apis.findByIdentifier(kept.identifier))?.resourceServerClientIds, []);
      assert.deepEqual(await store.apis.listForClient(client.clientId), []);
    });

    it('keeps the resources and API scopes of codes and token families, and reads older rows as having none', async () => {
      const database = current();
      const { store } = database;
      const { client, user } = await seedClientAndUser(store);
      const granted = { resources: ['https://a.example/', 'https://b.example/'], apiScope: 'https://a.example/#read https://b.example/#write' };
      const code = aCode(client, user, granted);
      await store.authorizationCodes.create(code);
      const consumed = await store.authorizationCodes.consume(code.codeHash, NOW + 1);
      assert.equal(consumed.outcome, 'redeemed');
      assert.deepEqual(consumed.outcome === 'redeemed' && consumed.record, { ...code, consumedAt: NOW + 1 });
      const family = aFamily(client, user, granted);
      await store.refreshTokens.createFamily(family);
      assert.deepEqual(await store.refreshTokens.findFamily(family.familyId), family);
      // The columns before migration 008: a code or family written then is for userinfo only.
      await database.sql(`insert into token_families (family_id, client_id, user_id, scope, session_id, auth_time, authorization_code_hash,
        created_at, expires_at) values ('older', '${client.clientId}', '${user.userId}', 'openid', 'sid', ${NOW}, 'older-code', ${NOW}, ${NOW + 60})`);
      const older = await store.refreshTokens.findFamily('older');
      assert.deepEqual([older?.resources, older?.apiScope], [[], '']);
      await database.sql(`insert into authorization_codes (code_hash, client_id, user_id, session_id, redirect_uri, redirect_uri_sent, scope,
        code_challenge, code_challenge_method, auth_time, created_at, expires_at) values ('older-code', '${client.clientId}', '${user.userId}', 'sid',
        'https://app.example/cb', 1, 'openid', 'x', 'S256', ${NOW}, ${NOW}, ${NOW + 60})`);
      const olderCode = await store.authorizationCodes.consume('older-code', NOW + 1);
      assert.deepEqual(olderCode.outcome === 'redeemed' && [olderCode.record.resources, olderCode.record.apiScope], [[], '']);
    });
  });
});
