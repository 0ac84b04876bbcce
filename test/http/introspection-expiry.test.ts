// RFC 7662 §2.2 at the edge of expiry: a token past its `exp` is inactive, though verifiers allow clock skew beyond it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { createClient, epochNow } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';
import { introspect, signAccessToken } from '../support/token-management.js';

forEachEngine((engine) => {
  describe(`introspection of a just-expired token (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('answers active: false once exp has passed, within the clock tolerance too', async () => {
      const as = await createClient(suite.server);
      const now = epochNow();
      assert.ok(suite.server.config.tokens.clockTolerance >= 5, 'the token below is within the tolerance');
      const live = signAccessToken(suite.server, as, { iat: now - 60, exp: now + 60 });
      assert.equal((await introspect(suite.server, live, as)).active, true);
      const justExpired = signAccessToken(suite.server, as, { iat: now - 60, exp: now - 2 });
      assert.deepEqual(await introspect(suite.server, justExpired, as), { active: false });
    });
  });
});
