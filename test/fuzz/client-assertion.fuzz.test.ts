// Fuzzing private_key_jwt: assertions with random headers, claims and signatures, and random assertion parameters,
// never give a 5xx, always an RFC 6749 §5.2 code, and never authenticate unless the genuine assertion was sent.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { JWT_BEARER_ASSERTION_TYPE } from '../../src/clients/private-key-jwt.js';
import { BOGUS_REFRESH, createKeyClient, generateClientKey, signAssertion } from '../support/client-assertions.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';

const RUNS = 150;
const CLIENT_ERRORS = new Set(['invalid_request', 'invalid_client']);

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const anyJson = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));

forEachEngine((engine) => {
  describe(`fuzzing client assertions (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let genuine: { header: Record<string, unknown>; claims: Record<string, unknown>; signature: string; clientId: string };
    before(async () => {
      const key = await generateClientKey('ES256');
      const { client } = await createKeyClient(suite.server, { jwks: [key] });
      const signed = await signAssertion(suite.server, client.clientId, key, { claims: { exp: Math.floor(Date.now() / 1000) + 3600 * 24 } });
      const [header, payload, signature] = signed.split('.') as [string, string, string];
      const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
      genuine = { header: decode(header), claims: decode(payload), signature, clientId: client.clientId };
    });

    it('answers every mutated assertion with a 4xx client error, never authenticating it', async () => {
      const mutatedAssertion = fc
        .tuple(
          fc.dictionary(fc.constantFrom('alg', 'kid', 'typ', 'crit', 'b64', 'jku', 'x5u', 'jwk'), fc.oneof(fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS512', 'EdDSA'), anyJson), { maxKeys: 3 }),
          fc.dictionary(fc.constantFrom('iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', '__proto__'), anyJson, { minKeys: 1, maxKeys: 3 }),
          fc.oneof(fc.constant('genuine'), fc.base64String({ maxLength: 100 }), fc.constant('')),
        )
        .map(([header, claims, signature]) =>
          `${encode({ ...genuine.header, ...header })}.${encode({ ...genuine.claims, ...claims })}.${signature === 'genuine' ? genuine.signature : signature.replace(/=+$/, '')}`,
        );
      const rawAssertion = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('a.b.c', '..', 'e30.e30.', `${encode({ alg: 'ES256' })}.${encode(genuine.claims)}`));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: mutatedAssertion }, { weight: 1, arbitrary: rawAssertion }),
          fc.oneof(fc.constant(JWT_BEARER_ASSERTION_TYPE), fc.string({ maxLength: 30 })),
          fc.option(fc.oneof(fc.constant(genuine.clientId), fc.string({ maxLength: 10 }))),
          async (assertion, type, clientId) => {
            const parameters = new URLSearchParams({ ...BOGUS_REFRESH, client_assertion_type: type, client_assertion: assertion });
            if (clientId !== null) parameters.set('client_id', clientId);
            const response = await fetch(`${suite.server.url}/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: parameters.toString(),
            });
            const body = (await response.json()) as { error?: string };
            assert.ok(response.status === 400 || response.status === 401, `a 4xx client error, got ${response.status}`);
            assert.ok(CLIENT_ERRORS.has(body.error ?? ''), `an RFC 6749 §5.2 client error, got ${JSON.stringify(body)}`);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
});
