// The contract every grant type module implements (RFC 6749 §4.1.3, §6), and what the token endpoint hands it.
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Parameters } from '../protocol/parameters.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { JoinFlow } from '../observability/flow-id.js';
import type { ClientRecord, GrantType, SigningAlgorithm } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { KeyEncryption } from '../tokens/keys/key-encryption.js';
import type { SigningKey } from '../tokens/keys/signing-key.js';
import type { AcceptedDpopProof } from '../tokens/dpop-proof.js';

/** RFC 6749 §5.1 successful response, with the OpenID Connect `id_token` (Core §3.1.3.3). */
export interface TokenResponse {
  readonly access_token: string;
  /** RFC 9449 §5: `DPoP` for a token bound to the proof's key. */
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
}

/** An authenticated token request as a grant sees it. */
export interface TokenRequest {
  readonly client: ClientRecord;
  /** Every body parameter, each sent once (duplicates were refused before). */
  readonly parameters: Parameters;
  /** The `resource` values (RFC 8707 §2.2), the one parameter that may repeat. */
  readonly resources: readonly string[];
  /** Request id, IP and user agent: for events, and kept with a rotated refresh token for a later reuse event. */
  readonly origin: EventContext;
  /** The request's accepted DPoP proof (RFC 9449 §5), or undefined without one. */
  readonly dpop: AcceptedDpopProof | undefined;
  /** Joins the request to the flow of the code or device authorization it redeems, so its events and log line carry it. */
  readonly joinFlow: JoinFlow;
}

/** What grant modules are built from: each takes what it needs. */
export interface GrantDependencies {
  readonly store: Store;
  readonly keyRing: { activeKey(alg: SigningAlgorithm): SigningKey | undefined };
  readonly keyEncryption: KeyEncryption;
  readonly events: EventBus;
  readonly config: Pick<Config, 'issuer' | 'tokens' | 'anomalies'> & { readonly keys: Pick<Config['keys'], 'accessTokenAlgorithm'> };
  readonly clock: Clock;
}

/** One grant type (`grant_type` value): validates its own parameters and issues tokens. */
export interface Grant {
  readonly grantType: GrantType;
  /** @throws OAuthError: invalid_request, invalid_grant, invalid_scope, ... as RFC 6749 §5.2 defines them. */
  exchange(request: TokenRequest, now: number): Promise<TokenResponse>;
}
