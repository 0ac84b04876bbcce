// private_key_jwt fixtures: client key pairs, signed client assertions (RFC 7523), and a JWKS server whose answers a test chooses.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { ClientMetadataInput } from '../../src/clients/metadata.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../src/clients/private-key-jwt.js';
import { createClient, epochNow, type TestClient } from './flow-fixtures.js';
import type { TestServer } from './server.js';

export interface ClientKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  /** The public JWK, with kid, alg and use. */
  readonly publicJwk: JWK;
}

export async function generateClientKey(alg = 'ES256', kid = randomBytes(6).toString('hex')): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Registers a private_key_jwt client with `keys` as its jwks, or with `jwksUri`. */
export function createKeyClient(server: TestServer, keys: { jwks?: readonly ClientKey[]; jwksUri?: string }, input: ClientMetadataInput = {}): Promise<TestClient> {
  return createClient(server, {
    tokenEndpointAuthMethod: 'private_key_jwt',
    ...(keys.jwks === undefined ? {} : { jwks: { keys: keys.jwks.map((key) => key.publicJwk) } }),
    ...(keys.jwksUri === undefined ? {} : { jwksUri: keys.jwksUri }),
    ...input,
  });
}

export interface AssertionOptions {
  /** Claims replacing (or, when undefined, removing) the defaults: iss, sub, aud, exp, iat, jti. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Header members replacing the defaults (alg and kid of the key). */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly now?: number;
}

/** A client assertion for `clientId` signed with `key`: aud the token endpoint, exp a minute ahead, a fresh jti. */
export function signAssertion(server: TestServer, clientId: string, key: ClientKey, options: AssertionOptions = {}): Promise<string> {
  const now = options.now ?? epochNow();
  const defaults = { iss: clientId, sub: clientId, aud: `${server.config.issuer}/token`, exp: now + 60, iat: now, jti: randomBytes(12).toString('base64url') };
  const claims = Object.fromEntries(Object.entries({ ...defaults, ...options.claims }).filter(([, value]) => value !== undefined));
  const header = { alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header } as { alg: string };
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}

/** POSTs a token request authenticated by `assertion` (and `client_id` when given). */
export function postWithAssertion(server: TestServer, parameters: Record<string, string>, assertion: string, clientId?: string): Promise<Response> {
  const body = new URLSearchParams({ ...parameters, client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });
  if (clientId !== undefined) body.set('client_id', clientId);
  return fetch(`${server.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
}

/** A grant that fails after authentication: 400 invalid_grant means the client authenticated, 401 that it did not. */
export const BOGUS_REFRESH = { grant_type: 'refresh_token', refresh_token: 'not-a-real-refresh-token' };

/** How the JWKS server answers: the keys, or one of the failures a jwks_uri can have. */
export type JwksBehaviour = 'keys' | 'hang' | 'garbage' | 'huge' | 'error' | 'redirect' | 'private';

export interface JwksServer {
  readonly url: string;
  behaviour: JwksBehaviour;
  keys: readonly ClientKey[];
  /** Requests answered so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

function answer(response: ServerResponse, behaviour: JwksBehaviour, keys: readonly ClientKey[]): void {
  switch (behaviour) {
    case 'keys':
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
      return;
    case 'hang':
      return;
    case 'garbage':
      response.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json</html>');
      return;
    case 'huge': {
      // 10 MB of a valid-looking JSON prefix, streamed without a length: the limit must stop it while it streams.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"keys":[');
      const chunk = `${'{"kty":"EC","x":"aaaa"},'.repeat(4096)}`;
      const write = (left: number): void => {
        if (left <= 0 || response.destroyed) return void response.end(']}');
        if (response.write(chunk)) write(left - chunk.length);
        else response.once('drain', () => write(left - chunk.length));
      };
      write(10_000_000);
      return;
    }
    case 'error':
      response.writeHead(500).end('boom');
      return;
    case 'redirect':
      response.writeHead(302, { location: 'https://attacker.example/jwks' }).end();
      return;
    case 'private':
      // A leaked private key: the set is refused whole.
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => ({ ...key.publicJwk, d: 'AAAA' })) }));
  }
}

/** A JWKS server on loopback; hanging requests are cut when it closes. */
export async function startJwksServer(keys: readonly ClientKey[]): Promise<JwksServer> {
  let requests = 0;
  const state = { behaviour: 'keys' as JwksBehaviour, keys };
  const server: Server = createServer((_request, response) => {
    requests += 1;
    answer(response, state.behaviour, state.keys);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return Object.assign(state, {
    url: `http://127.0.0.1:${address.port}/jwks.json`,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
