// Login sessions (SSO): created at login with a fresh cookie value, found from a request's cookies, slid, ended.
import type { Config } from '../config/schema.js';
import type { SessionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { generateOpaqueValue, hashOpaqueValue, safeEqual } from '../tokens/opaque.js';

/** What session code needs: the sessions repository and the issuer and `sessions` slices of the config. */
export interface SessionDeps {
  readonly store: Pick<Store, 'sessions'>;
  readonly config: Pick<Config, 'issuer' | 'sessions'>;
}

/** A request's parsed cookies, by name. */
export type Cookies = Readonly<Record<string, string | undefined>>;

/** A session just started: its record, the cookie value only the browser keeps (the store has its hash), and the one it replaced. */
export interface StartedSession {
  readonly session: SessionRecord;
  readonly cookieValue: string;
  readonly previous: SessionRecord | undefined;
}

/** 32 bytes: SECURITY.md wants session cookie values of at least 256 bits. */
const COOKIE_VALUE_BYTES = 32;
/** Sliding the idle expiry is a write; once a minute is precise enough for an idle limit of at least a minute. */
const TOUCH_INTERVAL = 60;

/** The cookie's name: `__Host-` prefixed whenever the issuer is https, so it is Secure, host-only and Path=/. */
export function sessionCookieName(config: Pick<Config, 'issuer' | 'sessions'>): string {
  return isSecureIssuer(config) ? `__Host-${config.sessions.cookieName}` : config.sessions.cookieName;
}

/** Secure cookies whenever the issuer is https, even when this process listens on http behind a TLS proxy. */
export function isSecureIssuer(config: Pick<Config, 'issuer'>): boolean {
  return config.issuer.startsWith('https:');
}

/** The session cookie value a request carries, if any. */
export function sessionCookieValue(deps: Pick<SessionDeps, 'config'>, cookies: Cookies): string | undefined {
  const value = cookies[sessionCookieName(deps.config)];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The live session of the browser that sent `cookies` (not ended, not idle- or absolutely expired at `now`), or
 * undefined. Finding it counts as activity: the idle expiry slides forward, never past the absolute expiry.
 */
export async function findLiveSession(deps: SessionDeps, cookies: Cookies, now: number): Promise<SessionRecord | undefined> {
  const cookieValue = sessionCookieValue(deps, cookies);
  if (cookieValue === undefined) return undefined;
  const session = await deps.store.sessions.findLive(hashOpaqueValue(cookieValue), now);
  if (session === undefined || now - session.lastSeenAt < TOUCH_INTERVAL) return session;
  const idleExpiresAt = Math.min(now + deps.config.sessions.idleTtl, session.absoluteExpiresAt);
  await deps.store.sessions.touch(session.sessionHash, now, idleExpiresAt);
  return { ...session, lastSeenAt: now, idleExpiresAt };
}

/**
 * Starts a session for `userId` authenticated at `now`, ending the browser's previous one first.
 * SECURITY.md (no fixation): the cookie value is always new, never one the browser brought.
 */
export async function startSession(deps: SessionDeps, cookies: Cookies, userId: string, now: number): Promise<StartedSession> {
  const previous = await endSession(deps, cookies, now);
  const cookieValue = generateOpaqueValue(COOKIE_VALUE_BYTES);
  const { idleTtl, absoluteTtl } = deps.config.sessions;
  const session: SessionRecord = {
    sessionHash: hashOpaqueValue(cookieValue),
    // The public id (the ID token `sid`) is unrelated to the cookie value, so publishing it reveals nothing.
    sessionId: generateOpaqueValue(16),
    userId,
    authTime: now,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + Math.min(idleTtl, absoluteTtl),
    absoluteExpiresAt: now + absoluteTtl,
    endedAt: null,
  };
  await deps.store.sessions.create(session);
  return { session, cookieValue, previous };
}

/** Ends the live session the cookies name, if any, and returns it (so its user can be named in the event). */
export async function endSession(deps: SessionDeps, cookies: Cookies, now: number): Promise<SessionRecord | undefined> {
  const cookieValue = sessionCookieValue(deps, cookies);
  if (cookieValue === undefined) return undefined;
  const sessionHash = hashOpaqueValue(cookieValue);
  const session = await deps.store.sessions.findLive(sessionHash, now);
  if (session === undefined) return undefined;
  return (await deps.store.sessions.end(sessionHash, now)) ? session : undefined;
}

/** The logout form's anti-CSRF token: derived from the session cookie, so only a page the browser loaded can know it. */
export function logoutCsrfToken(cookieValue: string): string {
  return hashOpaqueValue(`logout:${cookieValue}`);
}

/** SECURITY.md: a logout POST must carry the token bound to this browser's session (compared in constant time). */
export function verifyLogoutCsrf(cookieValue: string, token: string | undefined): boolean {
  return token !== undefined && safeEqual(logoutCsrfToken(cookieValue), token);
}
