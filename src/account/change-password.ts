// POST /account/password: the current password (checked and throttled as a login is), the new one twice under the
// password policy; on success every other session ends and this browser gets a new session id.
import { InvalidRequest, TemporarilyUnavailable } from '../errors/oauth-errors.js';
import type { FlowReply, RequestInfo } from '../protocol/flow.js';
import type { Parameters } from '../protocol/parameters.js';
import { sessionCookieHeader, startSession } from '../sessions/sessions.js';
import { waitMessage } from '../ui/login-page.js';
import { InvalidUserInput } from '../users/errors.js';
import { HashingBusy } from '../users/hashing-slots.js';
import { argon2Passwords, attemptLogin } from '../users/login.js';
import { checkPassword } from '../users/policy.js';
import { accountForm, backToAccount } from './account-actions.js';
import { accountPage } from './account-page.js';
import type { AccountDeps, SignedIn } from './signed-in.js';

const BUSY = 'Gatehouse is busy right now. Open your account page again and retry in a few seconds.';

/** Why the new password cannot be used, in words for the person; undefined when it can. */
function newPasswordProblem(form: Parameters): string | undefined {
  const password = form.get('new_password') ?? '';
  if (password !== (form.get('confirm_password') ?? '')) return 'The new passwords do not match.';
  try {
    checkPassword(password);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidUserInput) return `The new password ${error.reason}.`;
    throw error;
  }
}

/** The same page with the problem above the form; 429 with Retry-After while the throttle holds. */
async function refuse(deps: AccountDeps, signedIn: SignedIn, passwordProblem: string, retryAfter?: number): Promise<FlowReply> {
  const page = await accountPage(deps, signedIn, { passwordProblem }, retryAfter === undefined ? 400 : 429);
  return retryAfter === undefined ? page : { ...page, headers: { ...page.headers, 'retry-after': String(retryAfter) } };
}

export const changePassword = accountForm(async (deps, form, signedIn, info) => {
  const { user, now } = signedIn;
  // The policy first: a typo in the new password costs no hashing and counts no failure.
  const problem = newPasswordProblem(form);
  if (problem !== undefined) return refuse(deps, signedIn, problem);
  // SECURITY.md (brute force): the current password is checked as a login is, throttled per account and network.
  const attempt = { username: user.username, password: form.get('current_password') ?? '', ip: info.eventContext.ip ?? 'unknown' };
  const checked = await attemptLogin(deps.login, attempt, info.eventContext, now);
  if (checked.outcome === 'failed') return refuse(deps, signedIn, 'Your current password is not correct.');
  if (checked.outcome === 'throttled') return refuse(deps, signedIn, waitMessage(checked.lock.retryAfter), checked.lock.retryAfter);
  if (checked.outcome === 'busy') throw new TemporarilyUnavailable({ description: BUSY, retryAfter: checked.retryAfter });
  return replacePassword(deps, signedIn, form.get('new_password') ?? '', info);
});

/**
 * Stores the new hash, which ends every session of the person and revokes their token families (SECURITY.md:
 * passwords), then starts a new session for this browser: it stays signed in, under a new id and cookie.
 */
async function replacePassword(deps: AccountDeps, { user, now }: SignedIn, password: string, info: RequestInfo): Promise<FlowReply> {
  let passwordHash: string;
  try {
    passwordHash = await (deps.login.passwords ?? argon2Passwords).hash(password);
  } catch (error) {
    if (error instanceof HashingBusy) throw new TemporarilyUnavailable({ description: BUSY, retryAfter: error.retryAfter });
    throw error;
  }
  const ended = await deps.store.users.changePassword(user.userId, passwordHash, now);
  if (ended === undefined) throw new InvalidRequest({ description: 'This account no longer exists.', cause: new Error('account: user deleted meanwhile') });
  deps.events.emit({ type: 'user.password_changed', userId: user.userId, ...ended }, info.eventContext);
  const origin = { ip: info.eventContext.ip ?? null, userAgent: info.eventContext.userAgent ?? null };
  const started = await startSession(deps, info.cookies, user.userId, origin, now);
  return backToAccount(deps, 'password_changed', [sessionCookieHeader(deps.config, started.cookieValue)]);
}
