// Client registration service against both engines: secrets stored as hashes, updates, rotation, events, errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientNameTaken, ClientNotFound, ClientOperationRefused, InvalidClientMetadata } from '../../src/clients/errors.js';
import { ClientRegistrationService } from '../../src/clients/registration.js';
import { generateClientId } from '../../src/clients/client-credentials.js';
import { EventBus, type EventContext, type GatehouseEvent } from '../../src/observability/events.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { forEachEngine, useTestStore } from '../support/database.js';

const GRACE_PERIOD = 3600;
const NOW = 1_700_000_000;
const context: EventContext = { actor: 'cli:tester' };

function serviceFor(store: ReturnType<ReturnType<typeof useTestStore>>['store']) {
  const emitted: { event: GatehouseEvent; context: EventContext }[] = [];
  const events = new EventBus((error) => assert.fail(String(error)));
  events.subscribe((event, eventContext) => void emitted.push({ event, context: eventContext }));
  let now = NOW;
  const service = new ClientRegistrationService({ store, events, context, clientSecretGracePeriod: GRACE_PERIOD, clock: () => now });
  return { service, emitted, advance: (seconds: number) => (now += seconds) };
}

const billing = { clientName: 'Billing', redirectUris: ['https://billing.example.com/cb'] };

forEachEngine((engine) => {
  describe('ClientRegistrationService', () => {
    const current = useTestStore(engine);

    it('creates a confidential client whose secret is returned once and stored only as a hash', async () => {
      const { store } = current();
      const { service, emitted } = serviceFor(store);
      const { client, clientSecret } = await service.create(billing);
      assert.match(client.clientId, /^[A-Za-z0-9_-]{22}$/);
      assert.ok(clientSecret !== null && clientSecret.length === 43);
      assert.equal('secretHash' in client, false);
      const stored = await store.clients.findById(client.clientId);
      assert.equal(stored?.secretHash, hashOpaqueValue(clientSecret));
      assert.equal(JSON.stringify(stored).includes(clientSecret), false);
      assert.equal(stored?.createdAt, NOW);
      assert.deepEqual(emitted, [{ event: { type: 'client.created', clientId: client.clientId }, context }]);
    });

    it('creates a public client without a secret and refuses to rotate one', async () => {
      const { service } = serviceFor(current().store);
      const { client, clientSecret } = await service.create({ ...billing, clientType: 'public' });
      assert.equal(clientSecret, null);
      assert.equal(client.tokenEndpointAuthMethod, 'none');
      await assert.rejects(service.rotateSecret(client.clientId), ClientOperationRefused);
    });

    it('refuses a duplicate name with a clear message and leaves the existing client unchanged', async () => {
      const { store } = current();
      const { service } = serviceFor(store);
      const { client } = await service.create(billing);
      const before = await store.clients.findById(client.clientId);
      await assert.rejects(service.create({ ...billing, redirectUris: ['https://other.example/cb'] }), (error: unknown) => {
        assert.ok(error instanceof ClientNameTaken);
        assert.equal(error.message, 'a client named "Billing" already exists');
        return true;
      });
      assert.deepEqual(await store.clients.findById(client.clientId), before);
      assert.equal((await store.clients.list()).length, 1);
    });

    it('updates only the given fields under the same policy, naming the changed fields in the event', async () => {
      const { store } = current();
      const { service, emitted, advance } = serviceFor(store);
      const { client } = await service.create(billing);
      advance(10);
      const { client: updated, clientSecret } = await service.update(client.clientId, { scope: 'openid api:read', grantTypes: ['authorization_code', 'refresh_token'] });
      assert.equal(clientSecret, null, 'a client that keeps its secret gets no new one');
      assert.equal(updated.scope, 'openid api:read');
      assert.deepEqual(updated.grantTypes, ['authorization_code', 'refresh_token']);
      assert.deepEqual(updated.redirectUris, billing.redirectUris);
      assert.equal(updated.updatedAt, NOW + 10);
      assert.deepEqual(emitted.at(-1)?.event, { type: 'client.updated', clientId: client.clientId, fields: ['grant_types', 'scope'] });
      await assert.rejects(service.update(client.clientId, { tokenEndpointAuthMethod: 'none' }), InvalidClientMetadata);
      await assert.rejects(service.update(client.clientId, { redirectUris: ['http://billing.example.com/cb'] }), /must use https/);
      await assert.rejects(service.update('missing', { scope: 'openid' }), ClientNotFound);
      await service.create({ ...billing, clientName: 'Reports' });
      await assert.rejects(service.update(client.clientId, { clientName: 'Reports' }), ClientNameTaken);
    });

    it('rotates the secret, keeping the previous hash valid for the grace period', async () => {
      const { store } = current();
      const { service, emitted } = serviceFor(store);
      const { client, clientSecret } = await service.create(billing);
      const rotated = await service.rotateSecret(client.clientId);
      assert.notEqual(rotated.clientSecret, clientSecret);
      assert.equal(rotated.previousSecretValidUntil, NOW + GRACE_PERIOD);
      const stored = await store.clients.findById(client.clientId);
      assert.equal(stored?.secretHash, hashOpaqueValue(rotated.clientSecret));
      assert.equal(stored?.previousSecretHash, hashOpaqueValue(clientSecret!));
      assert.equal(stored?.previousSecretExpiresAt, NOW + GRACE_PERIOD);
      assert.deepEqual(emitted.at(-1)?.event, { type: 'client.secret_rotated', clientId: client.clientId, previousValidUntil: NOW + GRACE_PERIOD });
      await assert.rejects(service.rotateSecret('missing'), ClientNotFound);
    });

    it('takes a chosen client_id and secret (clients apply), refusing ones that break the rules without naming the secret', async () => {
      const { store } = current();
      const { service, emitted } = serviceFor(store);
      const chosenSecret = 'OHPL/KZHWTcTjkCOd7csv0KXqiaCocmc2WVxHB/MQAA=';
      const { client } = await service.create(billing, { clientId: 'billing-web', clientSecret: chosenSecret });
      assert.equal(client.clientId, 'billing-web');
      assert.equal((await store.clients.findById('billing-web'))?.secretHash, hashOpaqueValue(chosenSecret));
      const badId = await service.create({ ...billing, clientName: 'Other' }, { clientId: '-option' }).catch((error: unknown) => error);
      assert.ok(badId instanceof InvalidClientMetadata && badId.field === 'client_id', String(badId));
      // Stored as a plain SHA-256, a chosen secret must be random bytes as hex or base64: phrases and patterns are refused.
      const weakSecrets = [
        'short secret',
        'correct horse battery staple correct horse battery staple',
        'thisismyverylongclientsecretforbillingprod',
        'a'.repeat(64),
        'AbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAb',
        'OHPL/KZHWTcTjkCOd7csv0KXqiaCocmc2WVxHB/MQA', // 31 bytes
        'OHPL/KZHWTcTjkCOd7csv0KXqiaCocmc2WVxHB_MQAA', // base64 and base64url mixed
      ];
      for (const weak of weakSecrets) {
        for (const attempt of [() => service.rotateSecret('billing-web', weak), () => service.create({ ...billing, clientName: 'Weak' }, { clientSecret: weak })]) {
          const error = await attempt().catch((caught: unknown) => caught);
          assert.ok(error instanceof InvalidClientMetadata && error.field === 'client_secret', `${weak}: ${String(error)}`);
          assert.equal(error.message.includes(weak), false);
        }
      }
      for (const accepted of ['816948ce122215feb714ebe5f5d26a1ca3db03fb10ff71e9850762bebd86e537', 'k3NwQ8Ls_ZpX2vR9tYb4MeD7aHc1JgF0uSiO6nTlWqE']) {
        assert.equal((await service.rotateSecret('billing-web', accepted)).clientSecret, accepted);
      }
      assert.equal((await store.clients.findById('billing-web'))?.previousSecretHash, hashOpaqueValue('816948ce122215feb714ebe5f5d26a1ca3db03fb10ff71e9850762bebd86e537'));
      assert.equal(emitted.at(-1)?.event.type, 'client.secret_rotated');
    });

    it('lists, shows and deletes clients without ever exposing a secret hash', async () => {
      const { store } = current();
      const { service, emitted } = serviceFor(store);
      const { client } = await service.create(billing);
      const [listed] = await service.list();
      assert.deepEqual(listed, await service.show(client.clientId));
      assert.equal(JSON.stringify(listed).includes((await store.clients.findById(client.clientId))!.secretHash!), false);
      await service.delete(client.clientId);
      assert.deepEqual(emitted.at(-1)?.event, { type: 'client.deleted', clientId: client.clientId });
      await assert.rejects(service.show(client.clientId), ClientNotFound);
      await assert.rejects(service.delete(client.clientId), /no client with client_id/);
    });
  });
});

describe('generateClientId', () => {
  it('makes 128-bit base64url ids that never start with "-", so a command line never takes one for an option', () => {
    // One id in 64 would start with "-" if nothing prevented it: 2,000 ids would all but surely include some.
    const ids = Array.from({ length: 2000 }, generateClientId);
    assert.ok(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id)), 'no id starts with -');
    assert.equal(new Set(ids).size, ids.length);
  });
});
