// private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9): the client signs an assertion with its own private key.
import type { Clock } from '../clock.js';
import { InvalidClient, InvalidRequest } from '../errors/oauth-errors.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { Parameters } from '../protocol/parameters.js';
import type { ClientRecord, JsonWebKeySet } from '../store/records.js';
import type { ClientAssertionJtiRepository } from '../store/store.js';
import { ClientAssertionRejected, readUnverifiedSubject, verifyClientAssertion, type ClientAssertionExpectations } from '../tokens/client-assertion.js';
import { hashOpaqueValue } from '../tokens/opaque.js';
import type { PresentedCredentials } from './authenticate.js';
import { CLIENT_ASSERTION_ALGORITHMS } from './jwk-set.js';
import { ClientJwksCache } from './jwks-cache.js';
import { fetchJwkSet, JwksFetchFailed } from './jwks-fetch.js';

/** RFC 7523 §2.2: the one client_assertion_type this method uses. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The credentials of a client assertion, read but not yet verified. */
export interface AssertionCredentials extends PresentedCredentials {
  readonly method: 'private_key_jwt';
  readonly assertion: string;
}

/**
 * Reads `client_assertion_type` and `client_assertion` (RFC 7521 §4.2), or undefined when neither was sent. The client
 * is the `client_id` parameter when sent, else the assertion's `sub`; both must agree.
 * @throws InvalidRequest when one of the two is missing or the client ids disagree; InvalidClient for another
 * assertion type or an assertion that is not a readable JWT.
 */
export function readAssertionCredentials(parameters: Parameters): AssertionCredentials | undefined {
  const type = parameters.get('client_assertion_type');
  const assertion = parameters.get('client_assertion');
  if (type === undefined && assertion === undefined) return undefined;
  if (type === undefined || assertion === undefined) {
    throw new InvalidRequest({ description: 'A client assertion needs both client_assertion_type and client_assertion.' });
  }
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new InvalidClient({ description: `The client_assertion_type is not supported: use ${JWT_BEARER_ASSERTION_TYPE}.` });
  }
  const subject = readUnverifiedSubject(assertion);
  if (subject === undefined) throw new InvalidClient({ description: 'The client assertion could not be read as a JWT with a sub claim.' });
  const clientId = parameters.get('client_id') ?? subject;
  // RFC 7523 §3 (2): sub is the client_id; a client_id parameter naming another client contradicts it.
  if (clientId !== subject) throw new InvalidRequest({ description: 'The client_id parameter does not match the client assertion.' });
  return { method: 'private_key_jwt', clientId, clientSecret: null, basicAuthAttempted: false, assertion };
}

export interface PrivateKeyJwtSettings {
  readonly issuer: string;
  /** `tokens.clockTolerance`. */
  readonly clockTolerance: number;
  /** `clientAssertions.*`. */
  readonly maxLifetime: number;
  readonly jwksTimeout: number;
  readonly jwksMaxBytes: number;
  readonly jwksCacheTtl: number;
}

/** Verifies assertions of private_key_jwt clients against their registered or fetched keys, refusing a reused jti. */
export class PrivateKeyJwtVerifier {
  private readonly jwks: ClientJwksCache;

  constructor(
    private readonly settings: PrivateKeyJwtSettings,
    private readonly jtis: Pick<ClientAssertionJtiRepository, 'markUsed'>,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {
    const limits = { timeoutMs: settings.jwksTimeout, maxBytes: settings.jwksMaxBytes, allowLoopbackHttp: new URL(settings.issuer).protocol === 'http:' };
    this.jwks = new ClientJwksCache((uri) => fetchJwkSet(uri, limits), settings.jwksCacheTtl, clock);
  }

  /**
   * Accepts the assertion of `client` addressed to the issuer or one of `endpointUrls`, once.
   * @throws InvalidClient when its keys cannot be had, or the assertion is forged, expired, too long-lived, addressed
   * elsewhere, about another client, or replayed. The cause (logged) says which; the client is told nothing more.
   */
  async verify(client: ClientRecord, assertion: string, endpointUrls: readonly string[], origin: EventContext): Promise<void> {
    const now = this.clock();
    const expected = {
      clientId: client.clientId,
      audiences: [this.settings.issuer, ...endpointUrls],
      algorithms: CLIENT_ASSERTION_ALGORITHMS,
      now,
      clockTolerance: this.settings.clockTolerance,
      maxLifetime: this.settings.maxLifetime,
    };
    try {
      const keys = client.jwksUri === null ? client.jwks : await this.jwks.keysOf({ clientId: client.clientId, jwksUri: client.jwksUri });
      if (keys === null) throw new ClientAssertionRejected(`client ${client.clientId} is registered for private_key_jwt without keys`);
      const verified = await this.verifyOrRefetch(client, assertion, keys, expected);
      // RFC 7523 §3 (7): a jti is accepted once, remembered for as long as the assertion itself would be.
      const firstUse = await this.jtis.markUsed(client.clientId, hashOpaqueValue(verified.jti), verified.exp + this.settings.clockTolerance, now);
      if (!firstUse) {
        this.events.emit({ type: 'client_assertion.replayed', clientId: client.clientId }, origin);
        throw new ClientAssertionRejected('client assertion replayed: its jti was used before');
      }
    } catch (error) {
      // Anything else (the database failing) is not the client's fault and is not answered as if it were.
      if (error instanceof ClientAssertionRejected || error instanceof JwksFetchFailed) throw new InvalidClient({ cause: error });
      throw error;
    }
  }

  /** An unknown key may be a rotation the cached set predates: the keys are fetched again (at most once a minute) and tried once more. */
  private async verifyOrRefetch(client: ClientRecord, assertion: string, keys: JsonWebKeySet, expected: ClientAssertionExpectations) {
    try {
      return await verifyClientAssertion(assertion, keys, expected);
    } catch (error) {
      if (!(error instanceof ClientAssertionRejected) || !error.unknownKey || client.jwksUri === null) throw error;
      const refetched = await this.jwks.refetchForUnknownKey({ clientId: client.clientId, jwksUri: client.jwksUri });
      if (refetched === undefined) throw error;
      return verifyClientAssertion(assertion, refetched, expected);
    }
  }
}
