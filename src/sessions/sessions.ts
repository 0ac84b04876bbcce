// Login sessions (SSO): created at login with a fresh cookie value, found from a request's cookies, slid, ended.
import type { Config } from '../config/schema.js';
import type { RequestOrigin, SessionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { generateOpaqueValue, hashOpaqueValue, safeEqual } from '../tokens/opaque.js';
import { clearCookieHeader, cookieName, readCookie, setCookieHeader, type RequestCookies } from './cookies.js';

/** What session code needs: the sessions repository and the issuer and `sessions` slices of the config. */
export interface SessionDeps {
  readonly store: Pick<Store, 'sessions'>;
  readonly config: Pick<Config, 'issuer' | 'sessions'>;
}

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

/** The session cookie's name on the wire: `__Host-` prefixed whenever the issuer is https. */
export function sessionCookieName(config: Pick<Config, 'issuer' | 'sessions'>): string {
  return cookieName(config.issuer, config.sessions.cookieName);
}

/** The session cookie value a request carries, if any. */
export function sessionCookieValue(deps: Pick<SessionDeps, 'config'>, cookies: RequestCookies): string | undefined {
  return readCookie(cookies, deps.config.issuer, deps.config.sessions.cookieName);
}

/** Gives the browser its new session cookie; the browser drops it when the session would end absolutely anyway. */
export function sessionCookieHeader(config: Pick<Config, 'issuer' | 'sessions'>, cookieValue: string): string {
  return setCookieHeader(config.issuer, config.sessions.cookieName, cookieValue, config.sessions.absoluteTtl);
}

/** Tells the browser to forget its session cookie. */
export function clearSessionCookieHeader(config: Pick<Config, 'issuer' | 'sessions'>): string {
  return clearCookieHeader(config.issuer, config.sessions.cookieName);
}

/** Whether a request counts as the person's activity; a page that reloads itself does not (see the ops dashboard). */
export interface SessionLookup {
  readonly activity: boolean;
}

/**
 * The live session of the browser that sent `cookies` (not ended, not idle- or absolutely expired at `now`), or
 * undefined. Finding it counts as activity unless `lookup.activity` is false: the idle expiry slides forward, never
 * past the absolute expiry.
 */
export async function findLiveSession(deps: SessionDeps, cookies: RequestCookies, now: number, lookup: SessionLookup = { activity: true }): Promise<SessionRecord | undefined> {
  const cookieValue = sessionCookieValue(deps, cookies);
  if (cookieValue === undefined) return undefined;
  const session = await deps.store.sessions.findLive(hashOpaqueValue(cookieValue), now);
  if (session === undefined || !lookup.activity || now - session.lastSeenAt < TOUCH_INTERVAL) return session;
  const idleExpiresAt = Math.min(now + deps.config.sessions.idleTtl, session.absoluteExpiresAt);
  await deps.store.sessions.touch(session.sessionHash, now, idleExpiresAt);
  return { ...session, lastSeenAt: now, idleExpiresAt };
}

/**
 * Starts a session for `userId` authenticated at `now` from `origin`, ending the browser's previous one first.
 * SECURITY.md (no fixation): the cookie value is always new, never one the browser brought.
 */
export async function startSession(deps: SessionDeps, cookies: RequestCookies, userId: string, origin: RequestOrigin, now: number): Promise<StartedSession> {
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
    // Shown on the account page's list of sessions (the HTTP layer already cut the User-Agent short).
    ip: origin.ip,
    userAgent: origin.userAgent,
  };
  await deps.store.sessions.create(session);
  return { session, cookieValue, previous };
}

/** Ends the live session the cookies name, if any, and returns it (so its user can be named in the event). */
export async function endSession(deps: SessionDeps, cookies: RequestCookies, now: number): Promise<SessionRecord | undefined> {
  const cookieValue = sessionCookieValue(deps, cookies);
  if (cookieValue === undefined) return undefined;
  const sessionHash = hashOpaqueValue(cookieValue);
  const session = await deps.store.sessions.findLive(sessionHash, now);
  if (session === undefined) return undefined;
  return (await deps.store.sessions.end(sessionHash, now)) ? session : undefined;
}

/**
 * The logout form's anti-CSRF token: derived from the session cookie, so only a page the browser loaded can know it,
 * and from the pending logout's parameters (client, redirect URI, state), so the form cannot be replayed with others.
 */
export function logoutCsrfToken(cookieValue: string, pending: readonly string[]): string {
  return hashOpaqueValue(`logout:${cookieValue}:${JSON.stringify(pending)}`);
}

/** SECURITY.md: a logout POST must carry the token bound to this browser's session (compared in constant time). */
export function verifyLogoutCsrf(cookieValue: string, token: string | undefined, pending: readonly string[]): boolean {
  return token !== undefined && safeEqual(logoutCsrfToken(cookieValue, pending), token);
}
