// Table shapes as Kysely sees them: snake_case columns, epoch seconds as numbers, booleans as 0/1, lists as JSON text.
import type {
  ClientType,
  DeviceAuthorizationStatus,
  SigningAlgorithm,
  SigningKeyStatus,
  TokenEndpointAuthMethod,
} from '../records.js';

export interface ClientsTable {
  client_id: string;
  client_name: string;
  client_type: ClientType;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /** JSON array of strings. */
  redirect_uris: string;
  /** JSON array of strings. */
  post_logout_redirect_uris: string;
  /** JSON array of GrantType. */
  grant_types: string;
  scope: string;
  first_party: number;
  id_token_signed_response_alg: SigningAlgorithm;
  backchannel_logout_uri: string | null;
  require_pushed_authorization_requests: number;
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  /** JSON text of a JWK Set, or null. */
  jwks: string | null;
  jwks_uri: string | null;
  /** RFC 9449 §5.2: 0 or 1. */
  dpop_bound_access_tokens: number;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  user_id: string;
  username: string;
  email: string | null;
  email_verified: number;
  name: string | null;
  password_hash: string;
  disabled_at: number | null;
  admin: number;
  created_at: number;
  updated_at: number;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  session_id: string;
  redirect_uri: string;
  redirect_uri_sent: number;
  scope: string;
  code_challenge: string;
  code_challenge_method: 'S256';
  nonce: string | null;
  auth_time: number;
  /** JSON array of API identifiers. */
  resources: string;
  /** Space-separated `<identifier>#<scope>`. */
  api_scope: string;
  /** RFC 9449 §10: the JWK thumbprint the code is bound to. */
  dpop_jkt: string | null;
  /** The authorization flow the code was issued in; null before migration 016. */
  flow_id: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  scope: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
}

export interface TokenFamiliesTable {
  family_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  session_id: string;
  auth_time: number;
  authorization_code_hash: string;
  /** JSON array of API identifiers. */
  resources: string;
  /** Space-separated `<identifier>#<scope>`. */
  api_scope: string;
  /** RFC 9449 §5: the JWK thumbprint a public client's refresh tokens are bound to. */
  dpop_jkt: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  /** The client's network as CIDR; null without a known IP, or (with context_user_agent null) no context recorded yet. */
  context_network: string | null;
  /** Digest of the User-Agent without versions; null until a context is recorded. */
  context_user_agent: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  client_id: string;
  scope: string;
  issued_at: number;
  expires_at: number;
  rotated_at: number | null;
  /** Where the rotating request came from, for the reuse event. */
  first_use_ip: string | null;
  first_use_user_agent: string | null;
  /** Set only during the retry window after a rotation; the sweep clears all three. */
  retry_until: number | null;
  retry_fingerprint: string | null;
  /** The successor response, encrypted (KeyEncryption envelope bound to token_hash). */
  retry_response: string | null;
}

export interface SessionsTable {
  session_hash: string;
  session_id: string;
  user_id: string;
  auth_time: number;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  ended_at: number | null;
  ip: string | null;
  user_agent: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: SigningAlgorithm;
  status: SigningKeyStatus;
  public_jwk: string;
  private_key_encrypted: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  publish_until: number | null;
}

export interface AuditEventsTable {
  sequence: number;
  type: string;
  occurred_at: number;
  request_id: string | null;
  client_id: string | null;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object. */
  details: string;
  previous_hash: string;
  hash: string;
}

export interface InteractionsTable {
  interaction_hash: string;
  /** JSON object: the validated AuthorizationRequestRecord. */
  request: string;
  csrf_token_hash: string;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  awaiting: 'login' | 'consent';
  login_session_id: string | null;
  consent_session_id: string | null;
  /** The authorization flow the interaction belongs to; null for an account sign-in and before migration 016. */
  flow_id: string | null;
}

export interface PushedAuthorizationRequestsTable {
  request_hash: string;
  client_id: string;
  /** JSON object: parameter name to a string, or an array of strings for `resource`. */
  parameters: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface DeviceAuthorizationsTable {
  device_code_hash: string;
  user_code_hash: string;
  client_id: string;
  scope: string;
  /** JSON array of API identifiers. */
  resources: string;
  status: DeviceAuthorizationStatus;
  interval: number;
  last_polled_at: number | null;
  user_id: string | null;
  session_id: string | null;
  auth_time: number | null;
  api_scope: string | null;
  /** The authorization flow the device started; null before migration 016. */
  flow_id: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
}

export interface LoginThrottleTable {
  throttle_key: string;
  failures: number;
  last_failure_at: number;
  locked_until: number;
}

/** One row (id 1): the last sequence and hash, locked by every append so the chain never forks. */
export interface AuditChainHeadTable {
  id: number;
  sequence: number;
  hash: string;
  /** The last event pruned (0 and the genesis hash until a prune): verification starts after it. */
  pruned_sequence: number;
  pruned_hash: string;
  /** HMAC over the four values above (audit-seal.ts); null until the first append or prune after migration 020. */
  seal: string | null;
}

export interface RevokedAccessTokensTable {
  token_id: string;
  client_id: string;
  revoked_at: number;
  expires_at: number;
}

export interface ClientAssertionJtisTable {
  client_id: string;
  jti_hash: string;
  expires_at: number;
}

export interface DpopProofJtisTable {
  jti_hash: string;
  expires_at: number;
}

export interface ApisTable {
  identifier: string;
  name: string;
  /** JSON array of { name, description }. */
  scopes: string;
  access_token_ttl: number | null;
  created_at: number;
  updated_at: number;
}

export interface ApiResourceServersTable {
  api_identifier: string;
  client_id: string;
}

export interface ClientApisTable {
  client_id: string;
  api_identifier: string;
  scope: string;
  created_at: number;
}

export interface SessionClientsTable {
  session_id: string;
  client_id: string;
  created_at: number;
}

export interface LogoutDeliveriesTable {
  session_id: string;
  client_id: string;
  user_id: string;
  backchannel_logout_uri: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  lease_id: string | null;
  lease_until: number | null;
  finished_at: number | null;
  outcome: string | null;
}

export interface Database {
  apis: ApisTable;
  api_resource_servers: ApiResourceServersTable;
  client_apis: ClientApisTable;
  clients: ClientsTable;
  users: UsersTable;
  authorization_codes: AuthorizationCodesTable;
  consents: ConsentsTable;
  token_families: TokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  audit_chain_head: AuditChainHeadTable;
  interactions: InteractionsTable;
  pushed_authorization_requests: PushedAuthorizationRequestsTable;
  device_authorizations: DeviceAuthorizationsTable;
  login_throttle: LoginThrottleTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  client_assertion_jtis: ClientAssertionJtisTable;
  dpop_proof_jtis: DpopProofJtisTable;
  session_clients: SessionClientsTable;
  logout_deliveries: LogoutDeliveriesTable;
}
