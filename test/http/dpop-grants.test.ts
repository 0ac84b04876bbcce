// DPoP (RFC 9449 §5) with the grants that have no code: client credentials and the device code grant (RFC 8628).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/store/records.js';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, decideOnDevice, startDeviceAuthorization } from '../support/device.js';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop.js';
import { assertTokenError, createUser, postToken, verifyJwt, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`DPoP with client credentials and the device code grant (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: DpopKey;
    let otherKey: DpopKey;
    before(async () => {
      [key, otherKey] = [await dpopKey(), await dpopKey('EdDSA')];
    });
    const send = async (as: TestClient, parameters: Record<string, string>, by: DpopKey | undefined) =>
      postToken(suite.server, parameters, { as, headers: by === undefined ? {} : { dpop: await dpopProof(by, { htu: `${suite.server.config.issuer}/token` }) } });
    const tokensOf = async (response: Response) => {
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as TokenResponseBody;
    };

    it('binds a client credentials token to the proof key: token_type DPoP and cnf.jkt', async () => {
      const api = await createApi(suite.server);
      const as = await createServiceClient(suite.server, [api]);
      const tokens = await tokensOf(await send(as, { grant_type: 'client_credentials', resource: api.identifier }, key));
      assert.equal(tokens.token_type, 'DPoP');
      const { payload } = await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: api.identifier });
      assert.deepEqual(payload.cnf, { jkt: key.jkt });
    });

    it("binds a device's tokens to the key it polls with; its refresh token refreshes with that key only", async () => {
      const as = await createDeviceClient(suite.server, { refresh: true });
      const authorization = await startDeviceAuthorization(suite.server, as, 'openid profile offline_access');
      assert.equal((await decideOnDevice(suite.server, await createUser(suite.server), authorization.user_code, 'allow')).status, 200);
      const tokens = await tokensOf(await send(as, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: authorization.device_code }, key));
      assert.equal(tokens.token_type, 'DPoP');
      const { payload } = await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.deepEqual(payload.cnf, { jkt: key.jkt });
      const refresh = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! };
      await assertTokenError(await send(as, refresh, otherKey), 'invalid_grant');
      await assertTokenError(await send(as, refresh, undefined), 'invalid_grant');
      assert.equal((await tokensOf(await send(as, refresh, key))).token_type, 'DPoP');
    });
  });
});
