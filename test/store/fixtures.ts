// Record builders for the store contract suite: valid defaults, unique ids, overridable fields.
import { randomBytes } from 'node:crypto';
import type {
  AuditEventInput,
  AuthorizationCodeRecord,
  AuthorizationRequestRecord,
  ClientRecord,
  DeviceAuthorizationRecord,
  InteractionRecord,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  TokenFamilyRecord,
  UserRecord,
} from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';

export const NOW = 1_700_000_000;

export const uniqueId = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

export function aClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  const clientId = overrides.clientId ?? uniqueId('client');
  return {
    clientId,
    clientName: `name of ${clientId}`,
    clientType: 'confidential',
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: ['https://app.example/callback', 'http://127.0.0.1/cb'],
    postLogoutRedirectUris: ['https://app.example/bye'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: 'openid profile email offline_access',
    firstParty: false,
    idTokenSignedResponseAlg: 'RS256',
    backchannelLogoutUri: null,
    requirePushedAuthorizationRequests: false,
    secretHash: 'secret-hash-1',
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    jwks: null,
    jwksUri: null,
    dpopBoundAccessTokens: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const userId = overrides.userId ?? uniqueId('user');
  return {
    userId,
    username: `login-${userId}`,
    email: `${userId}@example.test`,
    emailVerified: true,
    name: 'Ada Lovelace',
    passwordHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA',
    disabledAt: null,
    admin: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function aCode(client: ClientRecord, user: UserRecord, overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: uniqueId('code'),
    clientId: client.clientId,
    userId: user.userId,
    sessionId: 'sid-1',
    redirectUri: 'https://app.example/callback',
    redirectUriSent: true,
    scope: 'openid profile',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    nonce: 'n-0S6_WzA2Mj',
    authTime: NOW - 5,
    resources: [],
    apiScope: '',
    dpopJkt: null,
    flowId: uniqueId('flow'),
    createdAt: NOW,
    expiresAt: NOW + 60,
    consumedAt: null,
    ...overrides,
  };
}

export function anAuthorizationRequest(overrides: Partial<AuthorizationRequestRecord> = {}): AuthorizationRequestRecord {
  return {
    clientId: 'client-1',
    redirectUri: 'https://app.example/callback',
    redirectUriSent: true,
    scope: 'openid profile',
    state: 'xyz <&> "state"',
    nonce: 'n-0S6_WzA2Mj',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    responseMode: 'query',
    prompt: ['login', 'consent'],
    maxAge: 300,
    loginHint: 'ada@example.test',
    resources: [],
    dpopJkt: null,
    ...overrides,
  };
}

export function anInteraction(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    interactionHash: uniqueId('interaction-hash'),
    request: anAuthorizationRequest(),
    csrfTokenHash: uniqueId('csrf-hash'),
    flowId: uniqueId('flow'),
    createdAt: NOW,
    expiresAt: NOW + 600,
    completedAt: null,
    awaiting: 'login',
    loginSessionId: null,
    consentSessionId: null,
    ...overrides,
  };
}

export function aFamily(client: ClientRecord, user: UserRecord, overrides: Partial<TokenFamilyRecord> = {}): TokenFamilyRecord {
  return {
    familyId: uniqueId('family'),
    clientId: client.clientId,
    userId: user.userId,
    scope: 'openid offline_access',
    sessionId: 'sid-1',
    authTime: NOW - 5,
    authorizationCodeHash: uniqueId('code'),
    resources: [],
    apiScope: '',
    dpopJkt: null,
    createdAt: NOW,
    expiresAt: NOW + 86_400,
    revokedAt: null,
    revokedReason: null,
    context: null,
    ...overrides,
  };
}

export function aRefreshToken(family: TokenFamilyRecord, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: uniqueId('rt'),
    familyId: family.familyId,
    clientId: family.clientId,
    scope: family.scope,
    issuedAt: NOW,
    expiresAt: NOW + 3600,
    rotatedAt: null,
    ...overrides,
  };
}

export function aSession(user: UserRecord, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    sessionHash: uniqueId('session-hash'),
    sessionId: uniqueId('sid'),
    userId: user.userId,
    authTime: NOW,
    createdAt: NOW,
    lastSeenAt: NOW,
    idleExpiresAt: NOW + 1800,
    absoluteExpiresAt: NOW + 86_400,
    endedAt: null,
    ip: null,
    userAgent: null,
    ...overrides,
  };
}

export function aSigningKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = overrides.kid ?? uniqueId('kid');
  return {
    kid,
    alg: 'ES256',
    status: 'next',
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid, alg: 'ES256', use: 'sig' }),
    privateKeyEncrypted: 'v1.iv.ciphertext.tag',
    createdAt: NOW,
    activatedAt: null,
    retiredAt: null,
    publishUntil: null,
    ...overrides,
  };
}

export function anAuditEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    type: 'user.login_succeeded',
    occurredAt: NOW,
    requestId: uniqueId('req'),
    clientId: 'client-1',
    userId: 'user-1',
    ip: '192.0.2.10',
    userAgent: 'Mozilla/5.0 (test)',
    details: { method: 'password', nested: { b: 2, a: [1, 'two'] } },
    ...overrides,
  };
}

/** A client and a user stored, as most grant records need both. */
export async function seedClientAndUser(store: Store): Promise<{ client: ClientRecord; user: UserRecord }> {
  const client = aClient();
  const user = aUser();
  await store.clients.create(client);
  await store.users.create(user);
  return { client, user };
}

/** A stored family with one live refresh token. */
export async function seedFamily(
  store: Store,
  overrides: { family?: Partial<TokenFamilyRecord>; token?: Partial<RefreshTokenRecord> } = {},
): Promise<{ client: ClientRecord; user: UserRecord; family: TokenFamilyRecord; token: RefreshTokenRecord }> {
  const { client, user } = await seedClientAndUser(store);
  const family = aFamily(client, user, overrides.family);
  const token = aRefreshToken(family, overrides.token);
  await store.refreshTokens.createFamily(family);
  await store.refreshTokens.create(token);
  return { client, user, family, token };
}

export function aDeviceAuthorization(client: ClientRecord, overrides: Partial<DeviceAuthorizationRecord> = {}): DeviceAuthorizationRecord {
  return {
    deviceCodeHash: uniqueId('device'),
    userCodeHash: uniqueId('user'),
    clientId: client.clientId,
    scope: 'openid profile',
    resources: ['https://api.example/'],
    status: 'pending',
    interval: 5,
    lastPolledAt: null,
    approval: null,
    flowId: uniqueId('flow'),
    createdAt: NOW,
    expiresAt: NOW + 600,
    ...overrides,
  };
}
