// A spent code presented by a client it was not issued to: invalid_grant, and the victim's grant is left alone, since only
// the code's own client may trigger the replay revocation (SECURITY.md (authorization codes)).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import {
  assertTokenError,
  auditEvents,
  createClient,
  createUser,
  getUserInfo,
  issueCode,
  pkcePair,
  postToken,
  REDIRECT_URI,
  redeemCode,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`authorization code replayed by another client (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it("refuses another client's replay with invalid_grant and revokes nothing of the victim's grant", async () => {
      const victim = await createClient(suite.server);
      const attacker = await createClient(suite.server);
      const pkce = pkcePair();
      const code = await issueCode(suite.server, victim.client, await createUser(suite.server), pkce);
      const tokens = await redeemCode(suite.server, victim, code, pkce);

      const replay = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      await assertTokenError(await postToken(suite.server, replay, { as: attacker }), 'invalid_grant');

      const { payload } = await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal((await suite.server.store.refreshTokens.findFamily(String(payload.gid)))?.revokedAt, null, 'the family is live');
      assert.equal((await getUserInfo(suite.server, tokens.access_token)).status, 200, "the victim's access token works");
      const refreshed = await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { as: victim });
      assert.equal(refreshed.status, 200, "the victim's refresh token works");

      const refused = await auditEvents(suite.server, 'code.replayed_by_other_client');
      assert.equal(refused.length, 1, 'recorded as what it was');
      assert.deepEqual([refused[0]?.clientId, refused[0]?.details.issuedTo], [attacker.client.clientId, victim.client.clientId]);
      assert.equal((await suite.server.store.audit.list({ limit: 100, type: 'code.replayed' })).length, 0, 'no replay revocation recorded');
    });
  });
});
