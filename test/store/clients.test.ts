// Store contract, clients: registration, unique names, updates, secret rotation and deletion with everything issued.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateError } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, aFamily, aRefreshToken, aUser, NOW, seedClientAndUser } from './fixtures.js';

forEachEngine((engine) => {
  describe('clients', () => {
    const current = useTestStore(engine);

    it('stores a client and finds it by id and by name, field for field', async () => {
      const { store } = current();
      const client = aClient({ firstParty: true, postLogoutRedirectUris: [], redirectUris: ['https://a.example/cb?x=1'] });
      await store.clients.create(client);
      assert.deepEqual(await store.clients.findById(client.clientId), client);
      assert.deepEqual(await store.clients.findByName(client.clientName), client);
    });

    it('reads a client stored without id_token_signed_response_alg, as before migration 005, as RS256', async () => {
      const database = current();
      const { store } = database;
      // The columns of migration 001: what a row written before id_token_signed_response_alg existed holds.
      await database.sql(`insert into clients (client_id, client_name, client_type, token_endpoint_auth_method, redirect_uris, post_logout_redirect_uris,
        grant_types, scope, first_party, created_at, updated_at) values ('older', 'Older', 'public', 'none', '["https://a.example/cb"]', '[]',
        '["authorization_code"]', 'openid', 0, ${NOW}, ${NOW})`);
      assert.equal((await store.clients.findById('older'))?.idTokenSignedResponseAlg, 'RS256');
      // Migration 013: a client stored before it need not push its authorization requests.
      assert.equal((await store.clients.findById('older'))?.requirePushedAuthorizationRequests, false);
      const updated = await store.clients.update('older', { idTokenSignedResponseAlg: 'EdDSA' }, NOW + 1);
      assert.equal(updated?.idTokenSignedResponseAlg, 'EdDSA');
      assert.equal(updated?.scope, 'openid');
    });

    it('keeps a public client with no secret', async () => {
      const { store } = current();
      const client = aClient({ clientType: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: ['authorization_code'] });
      await store.clients.create(client);
      assert.deepEqual(await store.clients.findById(client.clientId), client);
    });

    it('returns undefined for an unknown id or name', async () => {
      const { store } = current();
      assert.equal(await store.clients.findById('nobody'), undefined);
      assert.equal(await store.clients.findByName('nobody'), undefined);
    });

    it('refuses a second client with the same name or id with DuplicateError naming the field', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      await assert.rejects(store.clients.create(aClient({ clientName: client.clientName })), (error: unknown) => {
        assert.ok(error instanceof DuplicateError);
        assert.equal(error.field, 'client_name');
        return true;
      });
      await assert.rejects(store.clients.create(aClient({ clientId: client.clientId, clientName: 'another name' })), {
        name: 'DuplicateError',
        field: 'client_id',
      });
      assert.equal((await store.clients.list()).length, 1);
    });

    it('ranks clients by codes created plus refresh tokens issued since a time, ties and quiet clients by client_id', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      const [busy, tied, alsoTied, , stale] = await Promise.all(['r-busy', 'r-tied-b', 'r-tied-a', 'r-quiet', 'r-stale'].map(async (clientId) => {
        const client = aClient({ clientId, clientName: clientId });
        await store.clients.create(client);
        return client;
      }));
      const since = NOW - 100;
      const family = aFamily(busy!, user, { createdAt: since - 50 });
      await store.refreshTokens.createFamily(family);
      await store.refreshTokens.create(aRefreshToken(family, { issuedAt: since }));
      await store.refreshTokens.create(aRefreshToken(family, { issuedAt: since + 1 }));
      await store.authorizationCodes.create(aCode(busy!, user, { createdAt: since + 2 }));
      await store.authorizationCodes.create(aCode(tied!, user));
      await store.authorizationCodes.create(aCode(alsoTied!, user));
      // Activity before `since` does not count.
      for (let index = 0; index < 5; index += 1) await store.authorizationCodes.create(aCode(stale!, user, { createdAt: since - 1 }));
      assert.deepEqual(await store.clients.rankByActivity(since, 10, 100), ['r-busy', 'r-tied-a', 'r-tied-b', 'r-quiet', 'r-stale']);
      assert.deepEqual(await store.clients.rankByActivity(since, 2, 100), ['r-busy', 'r-tied-a']);
    });

    it('ranks by at most the newest recentRows codes and refresh tokens, so the oldest activity in the window drops out first', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      const [older, newer] = await Promise.all(['r-older', 'r-newer'].map(async (clientId) => {
        const client = aClient({ clientId, clientName: clientId });
        await store.clients.create(client);
        return client;
      }));
      const since = NOW - 100;
      // Issued in time order, as a server issues them: r-older three times, then r-newer twice, each a code and a token.
      const issues = [older!, older!, older!, newer!, newer!];
      for (const [index, client] of issues.entries()) {
        const family = aFamily(client, user, { createdAt: since });
        await store.refreshTokens.createFamily(family);
        await store.refreshTokens.create(aRefreshToken(family, { issuedAt: since + index }));
        await store.authorizationCodes.create(aCode(client, user, { createdAt: since + index }));
      }
      assert.deepEqual(await store.clients.rankByActivity(since, 2, 5), ['r-older', 'r-newer']);
      // The newest three of each: r-newer's two and one of r-older's.
      assert.deepEqual(await store.clients.rankByActivity(since, 2, 3), ['r-newer', 'r-older']);
    });

    it('lists clients by name', async () => {
      const { store } = current();
      await store.clients.create(aClient({ clientName: 'zeta' }));
      await store.clients.create(aClient({ clientName: 'alpha' }));
      assert.deepEqual(
        (await store.clients.list()).map((client) => client.clientName),
        ['alpha', 'zeta'],
      );
    });

    it('updates only the given fields and the update time', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      const updated = await store.clients.update(client.clientId, { redirectUris: ['https://new.example/cb'], firstParty: true }, NOW + 10);
      assert.deepEqual(updated, { ...client, redirectUris: ['https://new.example/cb'], firstParty: true, updatedAt: NOW + 10 });
      assert.deepEqual(await store.clients.findById(client.clientId), updated);
      const renamed = await store.clients.update(
        client.clientId,
        { clientName: 'renamed', scope: 'openid', grantTypes: ['authorization_code'], postLogoutRedirectUris: [], tokenEndpointAuthMethod: 'client_secret_post' },
        NOW + 20,
      );
      assert.equal(renamed?.clientName, 'renamed');
      assert.equal(renamed?.tokenEndpointAuthMethod, 'client_secret_post');
      assert.deepEqual(renamed?.grantTypes, ['authorization_code']);
    });

    it('refuses an update to a taken name and leaves the client unchanged', async () => {
      const { store } = current();
      const first = aClient();
      const second = aClient();
      await store.clients.create(first);
      await store.clients.create(second);
      await assert.rejects(store.clients.update(second.clientId, { clientName: first.clientName }, NOW + 1), {
        name: 'DuplicateError',
        field: 'client_name',
      });
      assert.deepEqual(await store.clients.findById(second.clientId), second);
    });

    it('returns undefined when updating or rotating the secret of an unknown client', async () => {
      const { store } = current();
      assert.equal(await store.clients.update('nobody', { scope: 'openid' }, NOW), undefined);
      assert.equal(await store.clients.rotateSecret('nobody', 'h', NOW + 60, NOW), undefined);
    });

    it('rotates the secret, keeping the old hash valid until the grace period ends', async () => {
      const { store } = current();
      const client = aClient({ secretHash: 'old-hash' });
      await store.clients.create(client);
      const rotated = await store.clients.rotateSecret(client.clientId, 'new-hash', NOW + 3600, NOW + 5);
      assert.deepEqual(rotated, {
        ...client,
        secretHash: 'new-hash',
        previousSecretHash: 'old-hash',
        previousSecretExpiresAt: NOW + 3600,
        updatedAt: NOW + 5,
      });
      const again = await store.clients.rotateSecret(client.clientId, 'newest-hash', NOW + 7200, NOW + 6);
      assert.equal(again?.previousSecretHash, 'new-hash');
      assert.equal(again?.secretHash, 'newest-hash');
    });

    it('deletes a client with its codes, consents, families and refresh tokens, and nothing of other clients', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const other = aClient();
      await store.clients.create(other);
      const code = aCode(client, user);
      const family = aFamily(client, user);
      const token = aRefreshToken(family);
      const otherFamily = aFamily(other, user);
      await store.authorizationCodes.create(code);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      await store.consents.save({ userId: user.userId, clientId: other.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      await store.refreshTokens.createFamily(family);
      await store.refreshTokens.create(token);
      await store.refreshTokens.createFamily(otherFamily);

      assert.equal(await store.clients.delete(client.clientId), true);

      assert.equal(await store.clients.findById(client.clientId), undefined);
      assert.deepEqual(await store.authorizationCodes.consume(code.codeHash, NOW), { outcome: 'unknown' });
      assert.equal(await store.consents.find(user.userId, client.clientId), undefined);
      assert.equal(await store.refreshTokens.findFamily(family.familyId), undefined);
      assert.equal(await store.refreshTokens.findByHash(token.tokenHash), undefined);
      assert.ok(await store.consents.find(user.userId, other.clientId));
      assert.ok(await store.refreshTokens.findFamily(otherFamily.familyId));
      assert.ok(await store.users.findById(user.userId));
      assert.equal(await store.clients.delete(client.clientId), false);
    });

    it('frees a deleted client name for a new client', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      await store.clients.delete(client.clientId);
      await store.clients.create(aClient({ clientName: client.clientName }));
      assert.ok(await store.clients.findByName(client.clientName));
    });

    it('stores unicode names and redirect URIs byte for byte', async () => {
      const { store } = current();
      const client = aClient({ clientName: 'Café ☕ «quoted» \'single\'', redirectUris: ['https://x.example/cb?q="a"&b=%20'] });
      await store.clients.create(client);
      assert.deepEqual(await store.clients.findByName(client.clientName), client);
    });
  });
});
