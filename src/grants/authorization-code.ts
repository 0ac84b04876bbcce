// grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6): redeems a code once and issues a new token family.
import { createHash } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from '../errors/oauth-errors.js';
import type { AuthorizationCodeRecord, TokenFamilyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { hashOpaqueValue, safeEqual } from '../tokens/opaque.js';
import type { Grant, GrantDependencies, TokenRequest, TokenResponse } from './grant.js';
import { requestedResource } from './audience.js';
import { issueFamily } from './issue-family.js';

// RFC 7636 §4.1: code-verifier = 43*128unreserved.
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

interface CodeParameters {
  readonly code: string;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string;
  /** RFC 8707 §2.2: the API the access token is for, among those the code granted. */
  readonly resource: string | undefined;
}

type Redemption =
  | { readonly outcome: 'issued'; readonly response: TokenResponse; readonly family: TokenFamilyRecord }
  | { readonly outcome: 'replayed'; readonly code: AuthorizationCodeRecord; readonly revokedFamilyId: string | null }
  | { readonly outcome: 'replayed_by_other_client'; readonly code: AuthorizationCodeRecord };

function readCodeParameters(request: TokenRequest): CodeParameters {
  const code = request.parameters.get('code');
  const codeVerifier = request.parameters.get('code_verifier');
  // RFC 6749 §4.1.3: code is required.
  if (code === undefined) throw new InvalidRequest({ description: 'The code parameter is missing.' });
  // SECURITY.md: PKCE for every client, so code_verifier is always required.
  if (codeVerifier === undefined) throw new InvalidRequest({ description: 'The code_verifier parameter is missing.', reason: 'pkce' });
  // RFC 7636 §4.1: a verifier of the wrong length or alphabet is malformed, whatever the challenge.
  if (!CODE_VERIFIER.test(codeVerifier)) throw new InvalidRequest({ description: 'The code_verifier must be 43 to 128 unreserved characters.', reason: 'pkce' });
  return { code, redirectUri: request.parameters.get('redirect_uri'), codeVerifier, resource: requestedResource(request.resources) };
}

/** Checks a redeemed code against the request; throwing rolls the redemption back, so the code stays usable by its owner. */
function checkRedemption(code: AuthorizationCodeRecord, request: TokenRequest, parameters: CodeParameters): void {
  const { client } = request;
  // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
  if (code.clientId !== client.clientId) throw new InvalidGrant({ cause: new Error('code issued to another client'), reason: 'wrong_client' });
  // RFC 6749 §4.1.3: redirect_uri is required when the authorization request included it.
  if (parameters.redirectUri === undefined && code.redirectUriSent) throw new InvalidGrant({ cause: new Error('redirect_uri missing'), reason: 'redirect_uri' });
  // RFC 6749 §4.1.3: redirect_uri must match the authorization request's byte for byte.
  if (parameters.redirectUri !== undefined && parameters.redirectUri !== code.redirectUri) {
    throw new InvalidGrant({ cause: new Error('redirect_uri mismatch'), reason: 'redirect_uri' });
  }
  // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge, compared in constant time.
  const computed = createHash('sha256').update(parameters.codeVerifier, 'ascii').digest('base64url');
  if (!safeEqual(computed, code.codeChallenge)) throw new InvalidGrant({ cause: new Error('PKCE verification failed'), reason: 'pkce' });
  // RFC 9449 §10: a code requested with dpop_jkt is redeemed only with a proof by that key.
  if (code.dpopJkt !== null && request.dpop?.jkt !== code.dpopJkt) throw new InvalidGrant({ cause: new Error('DPoP key does not match dpop_jkt'), reason: 'dpop' });
}

export class AuthorizationCodeGrant implements Grant {
  readonly grantType = 'authorization_code';

  constructor(private readonly deps: GrantDependencies) {}

  async exchange(request: TokenRequest, now: number): Promise<TokenResponse> {
    const parameters = readCodeParameters(request);
    const codeHash = hashOpaqueValue(parameters.code);
    // One transaction: concurrent redeemers wait for the winner, so a replay always finds and revokes its family.
    const redemption = await this.deps.store.transaction((store) => this.redeem(store, codeHash, request, parameters, now));
    const { client, origin } = request;
    if (redemption.outcome === 'replayed') {
      const { code, revokedFamilyId } = redemption;
      this.deps.events.emit({ type: 'code.replayed', userId: code.userId, clientId: code.clientId, revokedFamilyId }, origin);
      throw new InvalidGrant({ cause: new Error('authorization code replayed: its tokens were revoked'), reason: 'reused' });
    }
    if (redemption.outcome === 'replayed_by_other_client') {
      const { code } = redemption;
      this.deps.events.emit({ type: 'code.replayed_by_other_client', userId: code.userId, clientId: client.clientId, issuedTo: code.clientId }, origin);
      throw new InvalidGrant({ cause: new Error('spent authorization code presented by a client it was not issued to: nothing revoked'), reason: 'reused' });
    }
    const { family } = redemption;
    this.deps.events.emit({ type: 'code.redeemed', userId: family.userId, clientId: client.clientId, familyId: family.familyId }, origin);
    this.deps.events.emit({ type: 'token.issued', userId: family.userId, clientId: client.clientId, grantType: this.grantType }, origin);
    return redemption.response;
  }

  private async redeem(store: Store, codeHash: string, request: TokenRequest, parameters: CodeParameters, now: number): Promise<Redemption> {
    const consumed = await store.authorizationCodes.consume(codeHash, now);
    // A replay is filed under the flow it replays, so one query shows the whole story.
    if (consumed.outcome !== 'unknown') request.joinFlow(consumed.record.flowId);
    if (consumed.outcome === 'replayed') {
      // SECURITY.md (authorization codes): only the code's own client can trigger the revocation; any other client
      // could otherwise end a victim's grant with a code it merely saw.
      if (consumed.record.clientId !== request.client.clientId) return { outcome: 'replayed_by_other_client', code: consumed.record };
      // RFC 6749 §4.1.2: a code used twice revokes every token issued from it.
      const revoked = await store.refreshTokens.revokeFamilyByCode(codeHash, 'code_replayed', now);
      return { outcome: 'replayed', code: consumed.record, revokedFamilyId: revoked?.familyId ?? null };
    }
    if (consumed.outcome !== 'redeemed') throw new InvalidGrant({ cause: new Error(`authorization code ${consumed.outcome}`), reason: consumed.outcome });
    const code = consumed.record;
    checkRedemption(code, request, parameters);
    const user = await store.users.findById(code.userId);
    // A user disabled since the code was issued gets no tokens.
    if (user === undefined || user.disabledAt !== null) throw new InvalidGrant({ cause: new Error('user missing or disabled'), reason: 'revoked' });
    return this.issue(store, code, request, parameters.resource, now);
  }

  private async issue(store: Store, code: AuthorizationCodeRecord, request: TokenRequest, resource: string | undefined, now: number): Promise<Redemption> {
    const { response, family } = await issueFamily(this.deps, store, { ...code, client: request.client }, { resource, dpopJkt: request.dpop?.jkt, origin: request.origin }, now);
    return { outcome: 'issued', response, family };
  }
}
