// Authorization code issuance (RFC 6749 §4.1.2): a random value bound to everything in the request, stored only as a hash.
import { apiScopeOf } from '../apis/consent-scope.js';
import type { Config } from '../config/schema.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { AuthorizationCodeRecord, AuthorizationRequestRecord, SessionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { generateOpaqueValue, hashOpaqueValue } from '../tokens/opaque.js';

export interface IssueCodeDeps {
  readonly store: Pick<Store, 'authorizationCodes' | 'apis'>;
  readonly config: Pick<Config, 'tokens'>;
  readonly events: EventBus;
}

/** Issues a code for `request` to the session's user; returns the code, which only the client ever sees. */
export async function issueAuthorizationCode(
  deps: IssueCodeDeps,
  request: AuthorizationRequestRecord,
  session: SessionRecord,
  context: EventContext,
  now: number,
): Promise<string> {
  // SECURITY.md: at least 128 bits from the CSPRNG (here 256), stored only as a hash.
  const code = generateOpaqueValue(32);
  // SECURITY.md: bound to client, redirect URI, PKCE challenge, scope, nonce, user, session and auth time.
  const record: AuthorizationCodeRecord = {
    codeHash: hashOpaqueValue(code),
    clientId: request.clientId,
    userId: session.userId,
    sessionId: session.sessionId,
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    scope: request.scope,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: 'S256',
    nonce: request.nonce,
    authTime: session.authTime,
    resources: request.resources,
    // What is granted at each API, as consented to: tokens for an API never carry more, whatever its access becomes.
    apiScope: await apiScopeOf(deps.store.apis, request),
    // RFC 9449 §10: the code exchange must prove possession of this key.
    dpopJkt: request.dpopJkt,
    // Its redemption at the token endpoint joins this flow.
    flowId: context.flowId ?? null,
    createdAt: now,
    // RFC 6749 §4.1.2 and SECURITY.md (authorization codes): short-lived (60 s by default, at most 10 minutes).
    expiresAt: now + deps.config.tokens.authorizationCodeTtl,
    consumedAt: null,
  };
  await deps.store.authorizationCodes.create(record);
  deps.events.emit({ type: 'code.issued', userId: session.userId, clientId: request.clientId }, context);
  return code;
}
