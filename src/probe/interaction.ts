// Steps `authorize`, `login` and `consent`: what a browser does between the authorization request and the redirect
// back to the client, following only the issuer's own redirects and never posting a form to another origin.
import { isRedirectTo, type AuthorizationRequest } from './authorization-request.js';
import { alertText, hiddenFields, readForms, type HtmlForm } from './html-form.js';
import { errorCodeOf, ProbeFailure } from './probe-failure.js';
import type { ProbeHttp } from './probe-http.js';

/** Where a chain of redirects stopped: at the client's redirect URI (not fetched), or at a page of the issuer. */
export type Landing =
  | { readonly kind: 'client'; readonly location: URL }
  | { readonly kind: 'page'; readonly url: URL; readonly status: number; readonly page: string };

export interface LoginForm {
  readonly action: URL;
  readonly fields: Readonly<Record<string, string>>;
  readonly usernameField: string;
  readonly passwordField: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Follows redirects on `from`'s origin as GETs, as a browser does after a 303, until a page or the redirect URI. */
async function follow(http: ProbeHttp, first: Response, from: URL, redirectUri: string, signal: AbortSignal): Promise<Landing> {
  let response = first;
  let url = from;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) {
      return { kind: 'page', url, status: response.status, page: await http.text(response, 'the page', signal) };
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if (isRedirectTo(next, redirectUri)) return { kind: 'client', location: next };
    if (next.origin !== from.origin) throw new ProbeFailure(`redirected to another origin (${next.origin}) before reaching the redirect URI`);
    url = next;
    response = await http.send(url, {}, signal);
  }
  throw new ProbeFailure(`more than ${MAX_REDIRECTS} redirects`);
}

/** " (status 400): This sign-in link is broken." — what the page says, for the reason of a failure. */
function describePage(landing: Extract<Landing, { kind: 'page' }>): string {
  const alert = alertText(landing.page);
  return `(status ${landing.status})${alert === undefined ? '' : `: "${alert}"`}`;
}

function formTarget(form: HtmlForm, page: URL): URL {
  const action = new URL(form.action === '' ? page.href : form.action, page);
  // The test account's password and the consent go only to the issuer's own pages.
  if (action.origin !== page.origin) throw new ProbeFailure(`the form posts to another origin (${action.origin})`);
  return action;
}

function loginFormOf(landing: Extract<Landing, { kind: 'page' }>): LoginForm | undefined {
  const form = readForms(landing.page).find((candidate) => candidate.inputs.some((input) => input.type === 'password'));
  if (form === undefined) return undefined;
  const passwordField = form.inputs.find((input) => input.type === 'password')!.name;
  const usernameField = form.inputs.find((input) => ['text', 'email'].includes(input.type))?.name;
  if (usernameField === undefined) throw new ProbeFailure('the login form has no username field');
  const fields = hiddenFields(form);
  // SECURITY.md (anti-CSRF): every form carries a token bound to the browser; a login form without one is a defect.
  if (!Object.keys(fields).some((name) => /csrf/i.test(name))) throw new ProbeFailure('the login form has no anti-CSRF field');
  return { action: formTarget(form, landing.url), fields, usernameField, passwordField };
}

/** Step `authorize`: the authorization request, up to the login form. */
export async function openLoginForm(http: ProbeHttp, request: AuthorizationRequest, redirectUri: string, signal: AbortSignal): Promise<LoginForm> {
  const landing = await follow(http, await http.send(request.url, {}, signal), request.url, redirectUri, signal);
  if (landing.kind === 'client') {
    const error = landing.location.searchParams.get('error');
    throw new ProbeFailure(`sent back to the client before any login: ${error === null ? 'no login form shown' : errorCodeOf({ error })}`);
  }
  if (landing.status !== 200) throw new ProbeFailure(`the authorization request ended on an error page ${describePage(landing)}`);
  const form = loginFormOf(landing);
  if (form === undefined) throw new ProbeFailure(`the authorization request led to a page without a login form ${describePage(landing)}`);
  return form;
}

/** Step `login`: posts the credentials; lands on the consent page or at the client. */
export async function submitLogin(
  http: ProbeHttp,
  form: LoginForm,
  credentials: { readonly username: string; readonly password: string },
  redirectUri: string,
  signal: AbortSignal,
): Promise<Landing> {
  const fields = { ...form.fields, [form.usernameField]: credentials.username, [form.passwordField]: credentials.password };
  const landing = await follow(http, await http.send(form.action, { method: 'POST', form: fields }, signal), form.action, redirectUri, signal);
  if (landing.kind === 'client') return landing;
  if (readForms(landing.page).some((candidate) => candidate.inputs.some((input) => input.type === 'password'))) {
    throw new ProbeFailure(`the login form came back ${describePage(landing)}`);
  }
  if (landing.status !== 200) throw new ProbeFailure(`the login ended on an error page ${describePage(landing)}`);
  return landing;
}

/** Step `consent`: allows the request on the consent page shown after login; returns the redirect to the client. */
export async function submitConsent(http: ProbeHttp, landing: Extract<Landing, { kind: 'page' }>, redirectUri: string, signal: AbortSignal): Promise<URL> {
  const form = readForms(landing.page).find((candidate) => candidate.buttons.some((button) => button.value === 'allow'));
  if (form === undefined) throw new ProbeFailure(`after login, a page that is neither the client's redirect nor a consent form ${describePage(landing)}`);
  const allow = form.buttons.find((button) => button.value === 'allow')!;
  const action = formTarget(form, landing.url);
  const response = await http.send(action, { method: 'POST', form: { ...hiddenFields(form), [allow.name]: allow.value } }, signal);
  const next = await follow(http, response, action, redirectUri, signal);
  if (next.kind === 'page') throw new ProbeFailure(`the consent did not lead back to the client ${describePage(next)}`);
  return next.location;
}
