// grant_type=refresh_token (RFC 6749 §6): rotation on every use, reuse detection, and the benign-retry window.
import { InvalidGrant, InvalidRequest } from '../errors/oauth-errors.js';
import type { RefreshTokenRecord, RequestOrigin, RotationResult, TokenFamilyRecord } from '../store/records.js';
import { hashOpaqueValue } from '../tokens/opaque.js';
import type { Grant, GrantDependencies, TokenRequest, TokenResponse } from './grant.js';
import { requestedResource, selectAudience, type AccessTokenAudience } from './audience.js';
import { issueTokens, mintRefreshToken } from './issue-tokens.js';
import { RefreshRetryWindow, retryFingerprint } from './refresh-retry.js';
import { narrowScope } from '../protocol/scope.js';
import { moveContext } from '../anomalies/family-context.js';

/** The presented token, its family, and what this request asks for. */
interface Presentation {
  readonly tokenHash: string;
  readonly token: RefreshTokenRecord;
  readonly family: TokenFamilyRecord;
  readonly scope: string;
  readonly audience: AccessTokenAudience;
  readonly fingerprint: string;
}

/** Where this request came from, as the rotation records it and a retry must repeat it. */
const originOf = (request: TokenRequest): RequestOrigin => ({ ip: request.origin.ip ?? null, userAgent: request.origin.userAgent ?? null });

export class RefreshTokenGrant implements Grant {
  readonly grantType = 'refresh_token';
  private readonly retryWindow: RefreshRetryWindow;

  constructor(private readonly deps: GrantDependencies) {
    this.retryWindow = new RefreshRetryWindow(deps.keyEncryption, deps.config.tokens.refreshRetryWindow);
  }

  async exchange(request: TokenRequest, now: number): Promise<TokenResponse> {
    const presentation = await this.readPresentation(request, now);
    const { tokenHash, token, family, scope, audience, fingerprint } = presentation;
    // Mint first, in memory: the rotation then stores the successor and its response in the same transaction.
    const successor = mintRefreshToken(family, this.deps.config.tokens, now);
    const idTokenSignedResponseAlg = request.client.idTokenSignedResponseAlg;
    const dpopJkt = request.dpop?.jkt;
    const response = issueTokens(this.deps, { family, scope, audience, nonce: null, refreshToken: successor.value, idTokenSignedResponseAlg, dpopJkt, now });
    const move = moveContext(family.context, request.origin, this.deps.config.anomalies);
    const result = await this.deps.store.refreshTokens.rotate({
      tokenHash,
      successor: successor.record,
      firstUse: originOf(request),
      retry: this.retryWindow.seal(tokenHash, fingerprint, response, now),
      ...(move.context && { familyContext: move.context }),
      now,
    });
    if (result.outcome === 'replayed') return this.answerReplay(result, presentation, request, now);
    if (result.outcome !== 'redeemed') throw new InvalidGrant({ cause: new Error(`refresh token ${result.outcome}`), reason: result.outcome });
    const facts = { userId: family.userId, clientId: token.clientId };
    // The account page shows when each connected application last got tokens.
    await this.deps.store.consents.recordUse(family.userId, token.clientId, now);
    this.deps.events.emit({ type: 'refresh_token.rotated', ...facts, familyId: family.familyId }, request.origin);
    // A signal, not proof (README "Security events"): reported, never refused or revoked.
    if (move.change && this.deps.config.anomalies.enabled) {
      this.deps.events.emit({ type: 'refresh_token.context_changed', ...facts, familyId: family.familyId, change: move.change }, request.origin);
    }
    this.deps.events.emit({ type: 'token.issued', ...facts, grantType: this.grantType }, request.origin);
    return response;
  }

  private async readPresentation(request: TokenRequest, now: number): Promise<Presentation> {
    const refreshToken = request.parameters.get('refresh_token');
    const resource = requestedResource(request.resources);
    // RFC 6749 §6: refresh_token is required.
    if (refreshToken === undefined) throw new InvalidRequest({ description: 'The refresh_token parameter is missing.' });
    const tokenHash = hashOpaqueValue(refreshToken);
    const token = await this.deps.store.refreshTokens.findByHash(tokenHash);
    if (token === undefined) throw new InvalidGrant({ cause: new Error('unknown refresh token'), reason: 'unknown' });
    // RFC 6749 §6: the refresh token must have been issued to the authenticated client; another client's is left untouched.
    if (token.clientId !== request.client.clientId) throw new InvalidGrant({ cause: new Error('refresh token of another client'), reason: 'wrong_client' });
    const family = await this.deps.store.refreshTokens.findFamily(token.familyId);
    // A revoked family (reuse, code replay, consent or user revoked) answers nothing, not even a stored retry.
    if (family === undefined || family.revokedAt !== null) throw new InvalidGrant({ cause: new Error('token family revoked'), reason: 'revoked' });
    // RFC 9449 §5: a public client's DPoP-bound refresh token is used only with a proof by the same key.
    if (family.dpopJkt !== null && request.dpop?.jkt !== family.dpopJkt) throw new InvalidGrant({ cause: new Error('DPoP key does not match the refresh token'), reason: 'dpop' });
    // SECURITY.md: idle and absolute lifetimes (the rotation re-checks both atomically).
    if (token.rotatedAt === null && (now >= token.expiresAt || now >= family.expiresAt)) {
      throw new InvalidGrant({ cause: new Error('refresh token expired'), reason: 'expired' });
    }
    const requestedScope = request.parameters.get('scope');
    // RFC 6749 §6: scope may narrow, never widen.
    const scope = narrowScope(requestedScope, family.scope);
    // RFC 8707 §2.2: a refresh may ask for a token for one of the granted resources.
    const audience = await selectAudience(this.deps, { client: request.client, scope, resources: family.resources, apiScope: family.apiScope }, resource);
    return { tokenHash, token, family, scope, audience, fingerprint: retryFingerprint(request.client.clientId, requestedScope, resource, request.dpop?.jkt) };
  }

  /** A rotated token presented again: the same response for a benign retry, else the family is revoked. */
  private async answerReplay(
    result: Extract<RotationResult, { outcome: 'replayed' }>,
    presentation: Presentation,
    request: TokenRequest,
    now: number,
  ): Promise<TokenResponse> {
    const { tokenHash, family, fingerprint } = presentation;
    // Never rotated: the family was revoked since it was read; nothing to detect, nothing to hand out.
    if (result.firstUse === null) throw new InvalidGrant({ cause: new Error('token family revoked'), reason: 'revoked' });
    const facts = { userId: family.userId, clientId: family.clientId, familyId: family.familyId };
    const retried = this.retryWindow.open(tokenHash, { retry: result.retry, firstUse: result.firstUse }, { fingerprint, origin: originOf(request) }, now);
    if (retried !== undefined) {
      this.deps.events.emit({ type: 'refresh_token.retried', ...facts }, request.origin);
      return retried;
    }
    // SECURITY.md: a rotated refresh token presented again revokes the whole family and records both requests' origins.
    await this.deps.store.refreshTokens.revokeFamily(family.familyId, 'refresh_token_reused', now);
    this.deps.events.emit({ type: 'refresh_token.reused', ...facts, firstUse: result.firstUse }, request.origin);
    throw new InvalidGrant({ cause: new Error('refresh token reused'), reason: 'reused' });
  }
}
