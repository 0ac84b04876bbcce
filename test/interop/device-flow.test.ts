// The device flow (RFC 8628) against a running Gatehouse with openid-client 6 at its default settings, while a person
// approves on the verification page (a scripted browser stand-in posting the real forms).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as openidClient from 'openid-client';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, decideOnDevice } from '../support/device.js';
import { createUser } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`device flow interop (${engine.name})`, () => {
    // A one-second interval keeps the library's real waits short; the library itself is left as it is.
    const suite = useTestServer(engine, { GATEHOUSE_DEVICE_AUTHORIZATION_INTERVAL: '1' });

    async function discover(clientId: string): Promise<openidClient.Configuration> {
      // The loopback test server is http, which openid-client refuses unless told; nothing else is changed.
      return openidClient.discovery(new URL(suite.server.config.issuer), clientId, undefined, openidClient.None(), { execute: [openidClient.allowInsecureRequests] });
    }

    it('openid-client initiates, polls until the person approves, and gets tokens it validates', async () => {
      const as = await createDeviceClient(suite.server, { refresh: true });
      const user = await createUser(suite.server);
      const config = await discover(as.client.clientId);
      const authorization = await openidClient.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
      assert.equal(authorization.verification_uri, `${suite.server.config.issuer}/device`);
      const polling = openidClient.pollDeviceAuthorizationGrant(config, authorization);
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      const tokens = await polling;
      assert.equal(tokens.token_type, 'bearer');
      assert.ok(tokens.refresh_token);
      assert.equal(tokens.claims()?.sub, user.userId);
      const userInfo = await openidClient.fetchUserInfo(config, tokens.access_token, user.userId);
      assert.equal(userInfo.sub, user.userId);
    });

    it('openid-client reports access_denied when the person denies', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const config = await discover(as.client.clientId);
      const authorization = await openidClient.initiateDeviceAuthorization(config, { scope: 'openid' });
      const polling = openidClient.pollDeviceAuthorizationGrant(config, authorization);
      await decideOnDevice(suite.server, user, authorization.user_code, 'deny');
      await assert.rejects(polling, (error: { error?: string }) => error.error === 'access_denied');
    });
  });
});
