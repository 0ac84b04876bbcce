// Interactions: an authorization request paused for the person (login, consent), bound by a cookie to the browser that made it.
//
// The login and consent routes use this module; its exports are a stable API:
//   createInteraction    store a validated request (null: a sign-in to the account page) at its first step; returns
//                        the interaction and the Set-Cookie header binding it
//   advanceInteraction   move it to its next step (login done, consent to ask)
//   findInteraction      the live authorization interaction named by `?interaction=<id>`, only for the browser holding its cookie
//   findAnyInteraction   the same, account sign-ins included (the login page serves both)
//   verifyInteractionCsrf  check a form's `csrf_token` against the interaction (constant time)
//   completeInteraction  mark it used (single use: of concurrent callers exactly one gets true)
//   interactionLocation  the URL of a step: /login, /consent, or /authorize/resume once a session exists
import type { AuthorizationRequestRecord, InteractionRecord, InteractionStep } from '../store/records.js';
import type { Store } from '../store/store.js';
import { clearCookieHeader, readCookie, setCookieHeader, type RequestCookies } from '../sessions/cookies.js';
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

/** A live interaction, as presented by the browser that started it; its request is null for an account sign-in. */
export interface Interaction<Request extends AuthorizationRequestRecord | null = AuthorizationRequestRecord> {
  /** The random id carried in URLs (`?interaction=`); the store only has its hash. */
  readonly id: string;
  /** The anti-CSRF token to render into this interaction's forms as the `csrf_token` field. */
  readonly csrfToken: string;
  /** The validated authorization request, with the times of the interaction. */
  readonly record: InteractionRecord & { readonly request: Request };
}

/** An interaction of either kind: an authorization request's, or a sign-in to the account page (request null). */
export type AnyInteraction = Interaction<AuthorizationRequestRecord | null>;

/** The Set-Cookie header that removes the interaction cookie once the interaction is over. */
export function clearInteractionCookie(issuer: string): string {
  return clearCookieHeader(issuer, INTERACTION_COOKIE);
}

/** Stores `request` as a new interaction of flow `flowId` at `step`; the caller sets `setCookie` on its response and redirects to the step's page. */
export async function createInteraction<Request extends AuthorizationRequestRecord | null>(
  deps: InteractionDeps,
  request: Request,
  step: InteractionStep,
  flowId: string | null,
  now: number,
): Promise<{ readonly interaction: Interaction<Request>; readonly setCookie: string }> {
  // 256 random bits each; only their hashes are stored.
  const id = generateOpaqueValue(32);
  const csrfToken = generateOpaqueValue(32);
  const record: InteractionRecord & { readonly request: Request } = {
    interactionHash: hashOpaqueValue(id),
    request,
    csrfTokenHash: hashOpaqueValue(csrfToken),
    flowId,
    createdAt: now,
    expiresAt: now + INTERACTION_TTL,
    completedAt: null,
    ...step,
  };
  await deps.store.interactions.create(record);
  // The cookie holds the id and the CSRF token: pages read the token from it, forms echo it, the store checks its hash.
  return { interaction: { id, csrfToken, record }, setCookie: setCookieHeader(deps.issuer, INTERACTION_COOKIE, `${id}.${csrfToken}`, INTERACTION_TTL) };
}

/**
 * The live authorization interaction `id`, or undefined when it is unknown, expired, completed, an account sign-in
 * (consent and resume never act on one), or this browser's cookie names another one.
 */
export async function findInteraction(deps: InteractionDeps, cookies: RequestCookies, id: string | undefined, now: number): Promise<Interaction | undefined> {
  const found = await findAnyInteraction(deps, cookies, id, now);
  return found !== undefined && carriesRequest(found) ? found : undefined;
}

function carriesRequest(interaction: AnyInteraction): interaction is Interaction {
  return interaction.record.request !== null;
}

/**
 * The live interaction `id` of either kind, or undefined when it is unknown, expired, completed, or this browser's
 * cookie names another one (an id copied into another browser is useless without the cookie).
 */
export async function findAnyInteraction(
  deps: InteractionDeps,
  cookies: RequestCookies,
  id: string | undefined,
  now: number,
): Promise<AnyInteraction | undefined> {
  const [cookieId, csrfToken, ...rest] = (readCookie(cookies, deps.issuer, INTERACTION_COOKIE) ?? '').split('.');
  if (id === undefined || cookieId === undefined || csrfToken === undefined || rest.length > 0) return undefined;
  // SECURITY.md: the interaction is bound to the browser that started it.
  if (!safeEqual(cookieId, id)) return undefined;
  const record = await deps.store.interactions.findLive(hashOpaqueValue(id), now);
  if (record === undefined || !safeEqual(hashOpaqueValue(csrfToken), record.csrfTokenHash)) return undefined;
  return { id, csrfToken, record };
}

/** SECURITY.md: every form POST carries the interaction's anti-CSRF token; compared in constant time. */
export function verifyInteractionCsrf(interaction: AnyInteraction, token: string | undefined): boolean {
  return token !== undefined && safeEqual(hashOpaqueValue(token), interaction.record.csrfTokenHash);
}

/** Moves the interaction to `step`; false when it is no longer live. The returned interaction carries the new step. */
export async function advanceInteraction<Request extends AuthorizationRequestRecord | null>(
  deps: InteractionDeps,
  interaction: Interaction<Request>,
  step: InteractionStep,
  now: number,
): Promise<Interaction<Request> | undefined> {
  if (!(await deps.store.interactions.advance(interaction.record.interactionHash, step, now))) return undefined;
  return { ...interaction, record: { ...interaction.record, ...step } };
}

/** Marks the interaction used; false when it was already completed or expired (then nothing may be issued from it). */
export function completeInteraction(deps: InteractionDeps, interaction: AnyInteraction, now: number): Promise<boolean> {
  return deps.store.interactions.complete(interaction.record.interactionHash, now);
}

/** An interaction step's URL under the issuer: `/login`, `/consent` or `/authorize/resume` with `?interaction=<id>`. */
export function interactionLocation(issuer: string, path: '/login' | '/consent' | '/authorize/resume', id: string): string {
  return `${issuer.replace(/\/$/, '')}${path}?interaction=${encodeURIComponent(id)}`;
}
