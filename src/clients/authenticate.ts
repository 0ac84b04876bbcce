// Client authentication at the token, pushed authorization request, introspection and revocation endpoints: exactly one method, the one the client
// registered (RFC 6749 §2.3).
import { InvalidClient, InvalidRequest } from '../errors/oauth-errors.js';
import type { EventContext } from '../observability/events.js';
import type { Parameters } from '../protocol/parameters.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/records.js';
import { hashOpaqueValue, safeEqual } from '../tokens/opaque.js';
import { readBasicCredentials } from './client-secret-basic.js';
import { readPostCredentials } from './client-secret-post.js';
import type { ClientLookup } from './lookup.js';
import { readPublicClientId } from './none.js';
import { readAssertionCredentials, type AssertionCredentials, type PrivateKeyJwtVerifier } from './private-key-jwt.js';

/** Every method a client can register and authenticate with; discovery advertises exactly these. */
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** The credentials a request carried, and by which method. */
export interface PresentedCredentials {
  readonly method: TokenEndpointAuthMethod;
  readonly clientId: string;
  /** Null for `none`. */
  readonly clientSecret: string | null;
  /** A Basic header was sent, so a failure answers with a Basic challenge (RFC 6749 §5.2). */
  readonly basicAuthAttempted: boolean;
}

export interface ClientAuthenticationRequest {
  readonly authorization: string | undefined;
  readonly parameters: Parameters;
  /** Epoch seconds, for the previous secret's grace period. */
  readonly now: number;
  /**
   * The URLs a client assertion may name as its audience besides the issuer: the endpoint called (RFC 7523 §3), and at
   * /par also the token endpoint (RFC 9126 §2).
   */
  readonly assertionAudiences: readonly string[];
  /** Where the request came from, for the security event of a replayed client assertion. */
  readonly origin: EventContext;
}

/** Neither a client_id nor a Basic header: there is no client to look up. */
const NO_CLIENT = 'The request does not identify the client: send its credentials by its registered authentication method.';

type Mismatch = `${TokenEndpointAuthMethod} instead of ${TokenEndpointAuthMethod}`;

/**
 * What a known client must change when it used another method than its registered one, by "presented instead of
 * registered". Fixed text: it names methods and places, never a presented value.
 */
const METHOD_MISMATCH: Readonly<Partial<Record<Mismatch, string>>> = {
  'client_secret_post instead of client_secret_basic':
    'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header, not in the request body.',
  'none instead of client_secret_basic':
    'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header; the request carried no secret.',
  'client_secret_basic instead of client_secret_post':
    'This client is registered for client_secret_post: send the client_id and client_secret as form parameters in the request body, not in an HTTP Basic Authorization header.',
  'none instead of client_secret_post':
    'This client is registered for client_secret_post: send the client_id and client_secret as form parameters in the request body; the request carried no secret.',
  'client_secret_post instead of none':
    'This client is public (registered for none): send only its client_id in the request body, without a client_secret.',
  'client_secret_basic instead of none':
    'This client is public (registered for none): send only its client_id in the request body, without an HTTP Basic Authorization header.',
  'private_key_jwt instead of client_secret_basic':
    'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header, not a client assertion.',
  'private_key_jwt instead of client_secret_post':
    'This client is registered for client_secret_post: send the client_id and client_secret as form parameters in the request body, not a client assertion.',
  'private_key_jwt instead of none':
    'This client is public (registered for none): send only its client_id in the request body, without a client assertion.',
  'client_secret_basic instead of private_key_jwt':
    'This client is registered for private_key_jwt: send client_assertion_type and a client_assertion signed with its private key, not an HTTP Basic Authorization header.',
  'client_secret_post instead of private_key_jwt':
    'This client is registered for private_key_jwt: send client_assertion_type and a client_assertion signed with its private key, not a client_secret.',
  'none instead of private_key_jwt':
    'This client is registered for private_key_jwt: send client_assertion_type and a client_assertion signed with its private key; the request carried none.',
};

/** The credentials of the request; more than one method at once is invalid_request (RFC 6749 §2.3). */
function readCredentials(request: ClientAuthenticationRequest): PresentedCredentials | AssertionCredentials | undefined {
  const basic = readBasicCredentials(request.authorization);
  const post = readPostCredentials(request.parameters);
  const assertion = readAssertionCredentials(request.parameters);
  // RFC 6749 §2.3: the client must not use more than one authentication method in a request.
  if ([basic, post, assertion].filter((method) => method !== undefined).length > 1) {
    throw new InvalidRequest({ description: 'The client used more than one authentication method.' });
  }
  const bodyClientId = request.parameters.get('client_id');
  if (basic !== undefined && bodyClientId !== undefined && bodyClientId !== basic.clientId) {
    throw new InvalidRequest({ description: 'The client_id parameter does not match the authenticated client.' });
  }
  return basic ?? post ?? assertion ?? readPublicClientId(request.parameters);
}

/** The stored hash of the current secret, or of the previous one during its grace period, matches. */
function secretMatches(client: ClientRecord, secret: string, now: number): boolean {
  const presented = hashOpaqueValue(secret);
  // SECURITY.md: secrets are compared in constant time against stored hashes; both are checked, so timing says nothing.
  const current = safeEqual(presented, client.secretHash ?? '');
  const previous = safeEqual(presented, client.previousSecretHash ?? '');
  // Client secret rotation: the previous secret works only while its grace period lasts.
  const inGrace = client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now;
  return (client.secretHash !== null && current) || (client.previousSecretHash !== null && previous && inGrace);
}

/**
 * Authenticates the client of a request to `request.endpointUrl` (the token endpoint, or another that clients
 * authenticate at).
 * @throws InvalidRequest when two methods are used at once; InvalidClient (401) when credentials are missing, the
 * client is unknown, the method is not the registered one, the secret is wrong, or the client assertion is refused.
 */
export async function authenticateClient(
  request: ClientAuthenticationRequest,
  clients: ClientLookup,
  assertions: PrivateKeyJwtVerifier,
): Promise<ClientRecord> {
  const credentials = readCredentials(request);
  if (credentials === undefined || credentials.clientId === '') {
    throw new InvalidClient({ description: NO_CLIENT, cause: new Error('no client_id and no Basic credentials') });
  }
  const { basicAuthAttempted, method } = credentials;
  // An unknown client and a wrong secret share the generic description, so it reveals nothing about which ids exist.
  const fail = (reason: string, description?: string) => new InvalidClient({ basicAuthAttempted, description, cause: new Error(reason) });
  const client = await clients.find(credentials.clientId);
  if (client === undefined) throw fail(`unknown client (${method})`);
  const registered = client.tokenEndpointAuthMethod;
  // The refusals of a registered client's id are counted as that client's (the response is the same either way).
  const refuse = (reason: string, description?: string) =>
    new InvalidClient({ basicAuthAttempted, description, cause: new Error(reason), registeredClientId: client.clientId });
  // SECURITY.md (client authentication): exactly the registered method, never a weaker one; the description says what to change.
  if (registered !== method) throw refuse(`${method} used, registered for ${registered}`, METHOD_MISMATCH[`${method} instead of ${registered}`]);
  if (credentials.clientSecret !== null && !secretMatches(client, credentials.clientSecret, request.now)) throw refuse(`wrong client secret (${method})`);
  if ('assertion' in credentials) await assertions.verify(client, credentials.assertion, request.assertionAudiences, request.origin);
  return client;
}
