// The web app's routes: sign-in, callback, home, sign-out and the back-channel logout receiver, on node:http.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as client from 'openid-client';
import { InvalidLogoutToken, type LogoutTarget } from './backchannel-logout.js';
import { AccessRemoved, completeSignIn, revokeRefreshToken, signOutUrl, startSignIn } from './gatehouse-client.js';
import { fetchNotes, NotesUnavailable } from './notes-api.js';
import { homePage, problemPage, signedOutPage, welcomePage, type Page } from './pages.js';
import type { SessionStore, SignedIn } from './sessions.js';
import type { WebAppSettings } from './settings.js';

export interface WebAppDependencies {
  readonly settings: WebAppSettings;
  readonly gatehouse: client.Configuration;
  readonly sessions: SessionStore;
  readonly verifyLogoutToken: (logoutToken: string) => Promise<LogoutTarget>;
  /** Where the app notes what went wrong (never a token). */
  readonly log: (line: string) => void;
}

const COOKIE = 'notes_session';
const MAX_FORM_BYTES = 16 * 1024;

const ACCESS_REMOVED = 'Gatehouse access was removed — sign in again';
const SIGNED_OUT_AT_GATEHOUSE = 'You were signed out of Gatehouse — sign in again';

function readCookie(request: IncomingMessage): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function sessionCookie(settings: WebAppSettings, value: string | undefined): string {
  // HttpOnly: no script reads it; SameSite=Lax: sent on the redirect back from Gatehouse, not on cross-site POSTs.
  const attributes = `Path=/; HttpOnly; SameSite=Lax${settings.publicUrl.startsWith('https:') ? '; Secure' : ''}`;
  return value === undefined ? `${COOKIE}=; ${attributes}; Max-Age=0` : `${COOKIE}=${value}; ${attributes}`;
}

function sendPage(response: ServerResponse, page: Page, cookie?: string): void {
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': page.csp,
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    // The callback's URL carries the code: never pass it on as a referrer.
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
  if (cookie !== undefined) headers['set-cookie'] = cookie;
  response.writeHead(page.status, headers).end(page.html);
}

function redirect(response: ServerResponse, location: string, cookie?: string): void {
  response.writeHead(303, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...(cookie === undefined ? {} : { 'set-cookie': cookie }) }).end();
}

/** A form body of at most MAX_FORM_BYTES; undefined when it is larger or not a form. */
async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/x-www-form-urlencoded') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
/** Compared as SHA-256 digests: always the same length, whatever characters `given` has, and in constant time. */
const sameToken = (expected: string, given: string | null): boolean => given !== null && timingSafeEqual(digest(given), digest(expected));

async function home(deps: WebAppDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { settings, sessions } = deps;
  const cookie = readCookie(request);
  const session = sessions.find(cookie);
  if (session?.kind === 'ended') {
    // Said once: the next visit is a plain welcome.
    sessions.delete(cookie);
    return sendPage(response, welcomePage(settings.issuer, SIGNED_OUT_AT_GATEHOUSE), sessionCookie(settings, undefined));
  }
  if (session?.kind !== 'signed-in') return sendPage(response, welcomePage(settings.issuer));
  let notes: HomeNotes;
  try {
    notes = (await fetchNotes(deps.gatehouse, settings, session)).notes;
  } catch (error) {
    if (error instanceof AccessRemoved) {
      deps.log(`session of ${session.subject} ended: ${error.message}`);
      sessions.delete(cookie);
      return sendPage(response, welcomePage(settings.issuer, ACCESS_REMOVED), sessionCookie(settings, undefined));
    }
    if (!(error instanceof NotesUnavailable)) throw error;
    deps.log(`notes unavailable: ${error.message}`);
    notes = { unavailable: error.message };
  }
  sendPage(response, homePage(settings.issuer, { name: session.name, subject: session.subject, formToken: session.formToken, notes }));
}
type HomeNotes = Parameters<typeof homePage>[1]['notes'];

async function login(deps: WebAppDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const cookie = readCookie(request);
  if (deps.sessions.find(cookie)?.kind === 'signed-in') return redirect(response, '/');
  const { url, pending } = await startSignIn(deps.gatehouse, deps.settings);
  // A new session for every sign-in; the old cookie's session, if any, goes with it.
  deps.sessions.delete(cookie);
  redirect(response, url.href, sessionCookie(deps.settings, deps.sessions.create(pending)));
}

async function callback(deps: WebAppDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { settings, sessions } = deps;
  const cookie = readCookie(request);
  const pending = sessions.find(cookie);
  if (pending?.kind !== 'signing-in') {
    return sendPage(response, problemPage(settings.issuer, 400, 'This sign-in has expired', 'It was started in another browser, or already finished. Start again.'));
  }
  // Single use: whatever happens next, this authorization request is done.
  sessions.delete(cookie);
  let signedIn: SignedIn;
  try {
    signedIn = await completeSignIn(deps.gatehouse, settings, pending, new URL(request.url ?? '/', settings.publicUrl), randomBytes(32).toString('base64url'));
  } catch (error) {
    if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
      return sendPage(response, problemPage(settings.issuer, 403, 'Access not allowed', 'You chose not to let Notes use your Gatehouse account.'), sessionCookie(settings, undefined));
    }
    if (!(error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError || error instanceof client.ClientError)) throw error;
    deps.log(`sign-in failed: ${error.message}`);
    return sendPage(response, problemPage(settings.issuer, 400, 'Sign-in failed', 'Gatehouse did not complete the sign-in.', `${error.name}: ${error.message}`), sessionCookie(settings, undefined));
  }
  redirect(response, '/', sessionCookie(settings, sessions.create(signedIn)));
}

async function logout(deps: WebAppDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { settings, sessions } = deps;
  const cookie = readCookie(request);
  const session = sessions.find(cookie);
  const form = await readForm(request);
  if (session?.kind !== 'signed-in') return redirect(response, '/');
  // Anti-CSRF: only this app's own page can sign the person out.
  if (form === undefined || !sameToken(session.formToken, form.get('form_token'))) {
    return sendPage(response, problemPage(settings.issuer, 403, 'Sign-out not confirmed', 'That sign-out did not come from this app. Use the Sign out button.'));
  }
  sessions.delete(cookie);
  try {
    // RFC 7009: the grant ends at Gatehouse too, not only in this app's memory.
    await revokeRefreshToken(deps.gatehouse, session);
  } catch (error) {
    // The person is signing out either way; the refresh token then lives on until it expires.
    deps.log(`sign-out: the refresh token could not be revoked: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  redirect(response, signOutUrl(deps.gatehouse, settings, session).href, sessionCookie(settings, undefined));
}

/** Back-Channel Logout 1.0 §2.5-2.8: a form POST with `logout_token`; 200 once handled, 400 for anything invalid. */
async function backchannelLogout(deps: WebAppDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const answer = (status: number, error?: string): void => {
    const headers = { 'cache-control': 'no-store', ...(error === undefined ? {} : { 'content-type': 'application/json' }) };
    response.writeHead(status, headers).end(error === undefined ? undefined : JSON.stringify({ error: 'invalid_request', error_description: error }));
  };
  const logoutToken = (await readForm(request))?.get('logout_token');
  if (!logoutToken) return answer(400, 'A form body with logout_token is required.');
  try {
    const ended = deps.sessions.endByLogoutToken(await deps.verifyLogoutToken(logoutToken));
    deps.log(`back-channel logout: ended ${ended} session(s)`);
    answer(200);
  } catch (error) {
    if (!(error instanceof InvalidLogoutToken)) throw error;
    deps.log(`back-channel logout refused: ${error.message}`);
    answer(400, 'The logout token is invalid.');
  }
}

type Handler = (deps: WebAppDependencies, request: IncomingMessage, response: ServerResponse) => Promise<void>;

const ROUTES: Readonly<Record<string, { readonly method: 'GET' | 'POST'; readonly handle: Handler }>> = {
  '/': { method: 'GET', handle: home },
  '/login': { method: 'GET', handle: login },
  '/callback': { method: 'GET', handle: callback },
  '/logout': { method: 'POST', handle: logout },
  '/signed-out': { method: 'GET', handle: (deps, _request, response) => Promise.resolve(sendPage(response, signedOutPage(deps.settings.issuer))) },
  '/backchannel-logout': { method: 'POST', handle: backchannelLogout },
};

/** The request handler: a page for every outcome, 500 with a plain page (and a log line) only for the unexpected. */
export function handleRequest(deps: WebAppDependencies): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://app.invalid').pathname;
    const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
    if (route === undefined) return sendPage(response, problemPage(deps.settings.issuer, 404, 'Page not found', 'There is nothing at this address.'));
    if (request.method !== route.method) {
      response.writeHead(405, { allow: route.method, 'cache-control': 'no-store' }).end();
      return;
    }
    route.handle(deps, request, response).catch((error: unknown) => {
      deps.log(`${request.method} ${path} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      if (!response.headersSent) sendPage(response, problemPage(deps.settings.issuer, 500, 'Something went wrong', 'Notes could not finish that request. Try again in a moment.'));
    });
  };
}
