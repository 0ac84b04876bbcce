// Concurrency at the token endpoint: 50 simultaneous redemptions of one code, 50 simultaneous uses of one refresh
// token with the retry window off and on, on every storage engine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import {
  createClient,
  createUser,
  issueCode,
  pkcePair,
  postToken,
  REDIRECT_URI,
  startGrant,
  type TokenResponseBody,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';

const ATTEMPTS = 50;

interface Outcome {
  readonly status: number;
  readonly body: TokenResponseBody & { error?: string };
}

async function race(attempt: () => Promise<Response>): Promise<Outcome[]> {
  const responses = await Promise.all(Array.from({ length: ATTEMPTS }, attempt));
  return Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as Outcome['body'] })));
}

forEachEngine((engine) => {
  describe(`token endpoint under concurrency (${engine.name})`, () => {
    const windowOn = useTestServer(engine);
    const windowOffSuite = useTestServer(engine, { GATEHOUSE_TOKENS_REFRESH_RETRY_WINDOW: '0' });

    const familyOf = async (on: TestServer, accessToken: string) =>
      String((await verifyJwt(on, accessToken, { typ: 'at+jwt', audience: on.config.issuer })).payload.gid);

    it(`redeems one code exactly once among ${ATTEMPTS} concurrent attempts; the replays revoke what it issued`, async () => {
      const as = await createClient(windowOn.server);
      const pkce = pkcePair();
      const code = await issueCode(windowOn.server, as.client, await createUser(windowOn.server), pkce);
      const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      const outcomes = await race(() => postToken(windowOn.server, parameters, { as }));
      const winners = outcomes.filter((outcome) => outcome.status === 200);
      assert.equal(winners.length, 1);
      assert.ok(outcomes.every((outcome) => outcome.status === 200 || outcome.body.error === 'invalid_grant'));
      const familyId = await familyOf(windowOn.server, winners[0]!.body.access_token);
      assert.equal((await windowOn.server.store.refreshTokens.findFamily(familyId))?.revokedReason, 'code_replayed');
    });

    it(`with the retry window off, one of ${ATTEMPTS} concurrent refreshes succeeds and the reuse revokes the family`, async () => {
      const { as, tokens } = await startGrant(windowOffSuite.server);
      const outcomes = await race(() => postToken(windowOffSuite.server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { as }));
      const winners = outcomes.filter((outcome) => outcome.status === 200);
      assert.equal(winners.length, 1);
      assert.ok(outcomes.every((outcome) => outcome.status === 200 || outcome.body.error === 'invalid_grant'));
      const familyId = await familyOf(windowOffSuite.server, tokens.access_token);
      assert.equal((await windowOffSuite.server.store.refreshTokens.findFamily(familyId))?.revokedReason, 'refresh_token_reused');
    });

    it(`with the retry window on, every one of ${ATTEMPTS} concurrent refreshes gets the same successor`, async () => {
      const { as, tokens } = await startGrant(windowOn.server);
      const outcomes = await race(() => postToken(windowOn.server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { as }));
      const successes = outcomes.filter((outcome) => outcome.status === 200);
      assert.equal(successes.length, ATTEMPTS, JSON.stringify(outcomes.find((outcome) => outcome.status !== 200)));
      const successors = new Set(successes.map((outcome) => outcome.body.refresh_token));
      assert.equal(successors.size, 1, 'one successor: no second branch of the family');
      assert.equal(new Set(successes.map((outcome) => outcome.body.access_token)).size, 1);
      const familyId = await familyOf(windowOn.server, tokens.access_token);
      assert.equal((await windowOn.server.store.refreshTokens.findFamily(familyId))?.revokedAt, null, 'the family lives on');
      const [successor] = successors;
      const next = await postToken(windowOn.server, { grant_type: 'refresh_token', refresh_token: successor! }, { as });
      assert.equal(next.status, 200);
    });
  });
});
