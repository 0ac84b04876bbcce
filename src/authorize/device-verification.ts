// The verification page (RFC 8628 §3.3): the person enters the user code, then logs in and confirms as for any request.
import { InvalidCsrfToken } from '../errors/oauth-errors.js';
import { failure } from '../protocol/error-responses.js';
import { withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import { hashUserCode, normaliseUserCode } from '../protocol/user-code.js';
import { readCookie, setCookieHeader } from '../sessions/cookies.js';
import type { AuthorizationRequestRecord, DeviceAuthorizationRecord } from '../store/records.js';
import { generateOpaqueValue, safeEqual } from '../tokens/opaque.js';
import { renderDeviceCodePage, type DeviceCodeNotice } from '../ui/device-page.js';
import { continueAuthorization, type AuthorizationDeps } from './continue.js';
import { CSRF_FIELD, INTERACTION_TTL } from './interactions.js';
import type { UserCodeThrottle } from './user-code-throttle.js';

/** The cookie holding the code form's anti-CSRF token (double submit: the form echoes it, the server compares). */
const CSRF_COOKIE = 'gatehouse_user_code_form';
/** Longer than a typed code could be: what is prefilled is cut to this, never echoed whole. */
const MAX_PREFILL = 32;

export interface DeviceVerificationDeps extends AuthorizationDeps {
  readonly userCodeThrottle: UserCodeThrottle;
}

/** The form, with this browser's anti-CSRF token (a new one, set as a cookie, when it has none). */
function codePage(deps: AuthorizationDeps, info: RequestInfo, userCode: string, notice?: DeviceCodeNotice): FlowReply {
  const existing = readCookie(info.cookies, deps.config.issuer, CSRF_COOKIE);
  const csrfToken = existing ?? generateOpaqueValue(32);
  const cookies = existing === undefined ? [setCookieHeader(deps.config.issuer, CSRF_COOKIE, csrfToken, INTERACTION_TTL)] : [];
  const page = renderDeviceCodePage({ userCode: userCode.slice(0, MAX_PREFILL), csrfToken, notice });
  if (notice?.kind !== 'throttled') return withCookies(pageResponse(page), cookies);
  // SECURITY.md (brute force): the person is told how long to wait, and so is any client of the HTTP response.
  const throttled = pageResponse(page, 429);
  return withCookies({ ...throttled, headers: { ...throttled.headers, 'retry-after': String(notice.retryAfter) } }, cookies);
}

/** GET /device: the form; `?user_code=` (RFC 8628 §3.3.1 `verification_uri_complete`) only prefills it (§5.4). */
export function showDeviceCodePage(deps: AuthorizationDeps, query: unknown, info: RequestInfo): FlowReply {
  try {
    const userCode = readParameters(query, deps.config.limits.parameterBytes).get('user_code') ?? '';
    return codePage(deps, info, userCode);
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

/** POST /device: checks the form and the throttle, then sends a known code's request on to login and confirmation. */
export async function submitDeviceCode(deps: DeviceVerificationDeps, body: unknown, info: RequestInfo): Promise<FlowReply> {
  const now = deps.clock();
  try {
    const form = readParameters(body, deps.config.limits.parameterBytes);
    const expected = readCookie(info.cookies, deps.config.issuer, CSRF_COOKIE);
    const sent = form.get(CSRF_FIELD);
    // SECURITY.md (anti-CSRF): the form must carry the token of this browser's cookie.
    if (expected === undefined || sent === undefined || !safeEqual(expected, sent)) throw new InvalidCsrfToken();
    const typed = form.get('user_code') ?? '';
    const ip = info.eventContext.ip ?? 'unknown';
    const waiting = await deps.userCodeThrottle.retryAfter(ip, now);
    if (waiting !== undefined) return codePage(deps, info, typed, { kind: 'throttled', retryAfter: waiting });
    const normalised = normaliseUserCode(typed);
    const authorization = normalised === undefined ? undefined : await deps.store.deviceAuthorizations.findPendingByUserCode(hashUserCode(normalised), now);
    const client = authorization && (await deps.clients.find(authorization.clientId));
    if (authorization === undefined || client === undefined) {
      // RFC 8628 §5.1: every wrong code counts; the answer is the same whether the code expired or never existed.
      const locked = await deps.userCodeThrottle.recordFailure(ip, now);
      if (locked === undefined) return codePage(deps, info, typed, { kind: 'unrecognised' });
      deps.events.emit({ type: 'user_code.throttled', retryAfter: locked }, info.eventContext);
      return codePage(deps, info, typed, { kind: 'throttled', retryAfter: locked });
    }
    // The person's side of the device's flow: login and approval join the flow the device started.
    info.joinFlow(authorization.flowId, authorization.clientId);
    return await continueAuthorization(deps, { client, request: deviceRequestOf(authorization), target: undefined, info, now });
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

/** The device authorization as a request the login and consent steps carry; nothing is ever sent to a redirect URI. */
function deviceRequestOf(authorization: DeviceAuthorizationRecord): AuthorizationRequestRecord {
  return {
    clientId: authorization.clientId,
    redirectUri: '',
    redirectUriSent: false,
    scope: authorization.scope,
    state: null,
    nonce: null,
    codeChallenge: '',
    responseMode: 'query',
    prompt: [],
    maxAge: null,
    loginHint: null,
    resources: authorization.resources,
    // RFC 9449 §10's dpop_jkt binds an authorization code; a device's tokens are bound by the proof it polls with.
    dpopJkt: null,
    deviceCodeHash: authorization.deviceCodeHash,
  };
}
