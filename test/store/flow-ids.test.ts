// Store contract, flow ids (migration 016): interactions, authorization codes and device authorizations keep the flow
// they belong to, or null (an account sign-in, a record from before flow ids), field for field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, aDeviceAuthorization, anInteraction, NOW, seedClientAndUser } from './fixtures.js';

forEachEngine((engine) => {
  describe('flow ids', () => {
    const current = useTestStore(engine);

    it('keeps an interaction’s flow id, or null for an account sign-in', async () => {
      const { store } = current();
      const flow = anInteraction({ flowId: 'flow-of-the-interaction' });
      const signIn = anInteraction({ request: null, flowId: null });
      await store.interactions.create(flow);
      await store.interactions.create(signIn);
      assert.equal((await store.interactions.findLive(flow.interactionHash, NOW))?.flowId, 'flow-of-the-interaction');
      assert.equal((await store.interactions.findLive(signIn.interactionHash, NOW))?.flowId, null);
    });

    it('hands a code’s flow id back when the code is redeemed and when it is replayed', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const code = aCode(client, user, { flowId: 'flow-of-the-code' });
      const older = aCode(client, user, { flowId: null });
      await store.authorizationCodes.create(code);
      await store.authorizationCodes.create(older);
      const redeemed = await store.authorizationCodes.consume(code.codeHash, NOW + 1);
      const replayed = await store.authorizationCodes.consume(code.codeHash, NOW + 2);
      assert.deepEqual([redeemed.outcome, 'record' in redeemed && redeemed.record.flowId], ['redeemed', 'flow-of-the-code']);
      assert.deepEqual([replayed.outcome, 'record' in replayed && replayed.record.flowId], ['replayed', 'flow-of-the-code']);
      const plain = await store.authorizationCodes.consume(older.codeHash, NOW + 1);
      assert.equal('record' in plain && plain.record.flowId, null);
    });

    it('keeps a device authorization’s flow id through its approval and redemption', async () => {
      const { store } = current();
      const client = aClient();
      await store.clients.create(client);
      const { user } = await seedClientAndUser(store);
      const authorization = aDeviceAuthorization(client, { flowId: 'flow-of-the-device' });
      await store.deviceAuthorizations.create(authorization);
      assert.equal((await store.deviceAuthorizations.findPendingByUserCode(authorization.userCodeHash, NOW))?.flowId, 'flow-of-the-device');
      const approval = { userId: user.userId, sessionId: 'session-1', authTime: NOW - 5, apiScope: '' };
      assert.ok(await store.deviceAuthorizations.approve(authorization.deviceCodeHash, approval, NOW));
      assert.equal((await store.deviceAuthorizations.redeem(authorization.deviceCodeHash, client.clientId, NOW))?.flowId, 'flow-of-the-device');
      const older = aDeviceAuthorization(client, { flowId: null });
      await store.deviceAuthorizations.create(older);
      assert.equal((await store.deviceAuthorizations.findByDeviceCode(older.deviceCodeHash))?.flowId, null);
    });
  });
});
