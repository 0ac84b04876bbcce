// Interactions: an authorization request paused for the person (login, consent), bound by a cookie to the browser that made it.
//
// The login and consent routes use this module; its exports are a stable API:
//   createInteraction    store a validated request; returns the interaction and the Set-Cookie header binding it
//   findInteraction      the live interaction named by `?interaction=<id>`, only for the browser holding its cookie
//   verifyInteractionCsrf  check a form's `csrf_token` against the interaction (constant time)
//   completeInteraction  mark it used (single use: of concurrent callers exactly one gets true)
//   resumeLocation       where login sends the browser once a session exists: GET /authorize/resume?interaction=<id>
import type { AuthorizationRequestRecord, InteractionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { generateOpaqueValue, hashOpaqueValue, safeEqual } from '../tokens/opaque.js';

/** Long enough to log in and read a consent page, short enough that an abandoned request soon dies. */
export const INTERACTION_TTL = 600;
export const INTERACTION_COOKIE = 'gatehouse_interaction';
/** The name of the hidden form field carrying the anti-CSRF token. */
export const CSRF_FIELD = 'csrf_token';

export interface InteractionDeps {
  readonly store: Pick<Store, 'interactions'>;
  readonly issuer: string;
}

/** A live interaction, as presented by the browser that started it. */
export interface Interaction {
  /** The random id carried in URLs (`?interaction=`); the store only has its hash. */
  readonly id: string;
  /** The anti-CSRF token to render into this interaction's forms as the `csrf_token` field. */
  readonly csrfToken: string;
  /** The validated authorization request, with the times of the interaction. */
  readonly record: InteractionRecord;
}

/** Cookies as the HTTP layer parsed them. */
export type RequestCookies = Readonly<Record<string, string | undefined>>;

const epochNow = (): number => Math.floor(Date.now() / 1000);

const isHttps = (issuer: string): boolean => issuer.startsWith('https:');

/** `__Host-` pins the cookie to this host over https (no Domain, Path=/, Secure), so no sibling host can plant one. */
export function interactionCookieName(issuer: string): string {
  return isHttps(issuer) ? `__Host-${INTERACTION_COOKIE}` : INTERACTION_COOKIE;
}

function interactionCookie(issuer: string, value: string, maxAge: number): string {
  const secure = isHttps(issuer) ? '; Secure' : '';
  // Lax: sent on the top-level navigations of the flow (login redirect, resume) but not on cross-site POSTs.
  return `${interactionCookieName(issuer)}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

/** The Set-Cookie header that removes the interaction cookie once the interaction is over. */
export function clearInteractionCookie(issuer: string): string {
  return interactionCookie(issuer, '', 0);
}

/** Stores `request` as a new interaction; the caller sets `setCookie` on its response and redirects to login or consent. */
export async function createInteraction(
  deps: InteractionDeps,
  request: AuthorizationRequestRecord,
  now: number = epochNow(),
): Promise<{ readonly interaction: Interaction; readonly setCookie: string }> {
  // 256 random bits each; only their hashes are stored.
  const id = generateOpaqueValue(32);
  const csrfToken = generateOpaqueValue(32);
  const record: InteractionRecord = {
    interactionHash: hashOpaqueValue(id),
    request,
    csrfTokenHash: hashOpaqueValue(csrfToken),
    createdAt: now,
    expiresAt: now + INTERACTION_TTL,
    completedAt: null,
  };
  await deps.store.interactions.create(record);
  // The cookie holds the id and the CSRF token: pages read the token from it, forms echo it, the store checks its hash.
  return { interaction: { id, csrfToken, record }, setCookie: interactionCookie(deps.issuer, `${id}.${csrfToken}`, INTERACTION_TTL) };
}

/**
 * The live interaction `id`, or undefined when it is unknown, expired, completed, or this browser's cookie names
 * another one (an id copied into another browser is useless without the cookie).
 */
export async function findInteraction(
  deps: InteractionDeps,
  cookies: RequestCookies,
  id: string | undefined,
  now: number = epochNow(),
): Promise<Interaction | undefined> {
  const [cookieId, csrfToken, ...rest] = (cookies[interactionCookieName(deps.issuer)] ?? '').split('.');
  if (id === undefined || cookieId === undefined || csrfToken === undefined || rest.length > 0) return undefined;
  // SECURITY.md: the interaction is bound to the browser that started it.
  if (!safeEqual(cookieId, id)) return undefined;
  const record = await deps.store.interactions.findLive(hashOpaqueValue(id), now);
  if (record === undefined || !safeEqual(hashOpaqueValue(csrfToken), record.csrfTokenHash)) return undefined;
  return { id, csrfToken, record };
}

/** SECURITY.md: every form POST carries the interaction's anti-CSRF token; compared in constant time. */
export function verifyInteractionCsrf(interaction: Interaction, token: string | undefined): boolean {
  return token !== undefined && safeEqual(hashOpaqueValue(token), interaction.record.csrfTokenHash);
}

/** Marks the interaction used; false when it was already completed or expired (then nothing may be issued from it). */
export function completeInteraction(deps: InteractionDeps, interaction: Interaction, now: number = epochNow()): Promise<boolean> {
  return deps.store.interactions.complete(interaction.record.interactionHash, now);
}

/** Where the login route sends the browser after a successful login, to carry on with the authorization request. */
export function resumeLocation(issuer: string, id: string): string {
  return `${issuer.replace(/\/$/, '')}/authorize/resume?interaction=${encodeURIComponent(id)}`;
}
