// Who is looking at the account page, and whether a form sent to it may act: same origin, a live session of an
// enabled user, and the anti-CSRF token bound to that session.
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { InvalidCsrfToken } from '../errors/oauth-errors.js';
import type { EventBus } from '../observability/events.js';
import { seeOther, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import type { Parameters } from '../protocol/parameters.js';
import { findLiveSession, sessionCookieValue, type SessionLookup } from '../sessions/sessions.js';
import type { SessionRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { hashOpaqueValue, safeEqual } from '../tokens/opaque.js';
import type { LoginDeps } from '../users/login.js';
import { accountLocation } from '../authorize/account-sign-in.js';

export interface AccountDeps {
  readonly store: Store;
  readonly config: Config;
  readonly events: EventBus;
  readonly clock: Clock;
  /** The login's credential check (throttle, hashing slots), reused for the current password. */
  readonly login: LoginDeps;
}

/** What the browser says about where a form came from (Fetch Metadata and Origin); either may be absent. */
export interface FormSource {
  readonly origin: string | undefined;
  readonly fetchSite: string | undefined;
}

export interface SignedIn {
  readonly session: SessionRecord;
  /** The browser's session cookie value, which the forms' anti-CSRF token is derived from. */
  readonly cookieValue: string;
  readonly user: UserRecord;
  readonly now: number;
}

const REFUSED = 'This form could not be verified. Open your account page again and retry.';

/** The live session of this browser with its enabled user, or undefined (then the person signs in first). */
export async function findSignedIn(deps: Pick<AccountDeps, 'store' | 'config'>, info: RequestInfo, now: number, lookup?: SessionLookup): Promise<SignedIn | undefined> {
  const session = await findLiveSession(deps, info.cookies, now, lookup);
  const cookieValue = sessionCookieValue(deps, info.cookies);
  if (session === undefined || cookieValue === undefined) return undefined;
  const user = await deps.store.users.findById(session.userId);
  if (user === undefined || user.disabledAt !== null) return undefined;
  return { session, cookieValue, user, now };
}

/**
 * The account forms' anti-CSRF token: derived from the session cookie value, which only this browser holds, so only a
 * page it loaded can know it; a new session (a login, a password change) changes it.
 */
export function accountCsrfToken(cookieValue: string): string {
  return hashOpaqueValue(`account:${cookieValue}`);
}

/**
 * A form from another site is refused outright. Fetch Metadata decides when the browser sends it; otherwise an Origin
 * other than the issuer's. Under `Referrer-Policy: no-referrer` browsers send `Origin: null` even with their own
 * forms, so `null` proves nothing either way (the session's token must still match).
 */
function isCrossSite(deps: AccountDeps, source: FormSource): boolean {
  if (source.fetchSite !== undefined) return source.fetchSite !== 'same-origin';
  return source.origin !== undefined && source.origin !== 'null' && source.origin !== new URL(deps.config.issuer).origin;
}

/**
 * Lets an account form act only when it comes from this origin, with a live session and that session's token
 * (SECURITY.md: anti-CSRF token on every form POST, bound to the session). Without a session the browser is sent to
 * sign in and back to the account page; nothing is done.
 */
export async function checkAccountForm(deps: AccountDeps, form: Parameters, info: RequestInfo, source: FormSource): Promise<SignedIn | FlowReply> {
  // SECURITY.md (pages): a cross-site POST is refused even before the session is looked at.
  if (isCrossSite(deps, source)) throw new InvalidCsrfToken({ description: REFUSED, cause: new Error('account: cross-site form') });
  const signedIn = await findSignedIn(deps, info, deps.clock());
  if (signedIn === undefined) return seeOther(accountLocation(deps.config.issuer));
  const token = form.get('csrf_token');
  if (token === undefined || !safeEqual(accountCsrfToken(signedIn.cookieValue), token)) {
    throw new InvalidCsrfToken({ description: REFUSED, cause: new Error('account: missing or wrong csrf_token') });
  }
  return signedIn;
}
