// The credential check behind the login form: throttle first, one generic failure, a dummy hash for unknown users.
import type { EventBus, EventContext } from '../observability/events.js';
import type { UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { type Lock, type LoginThrottle, throttleKeys } from './login-throttle.js';
import { hashPassword, needsRehash, PasswordTooLongError, verifyDummyPassword, verifyPassword } from './password.js';

/** What the form sent, and where from; `clientId` names the application the person is signing in to. */
export interface LoginAttempt {
  readonly username: string;
  readonly password: string;
  readonly ip: string;
  readonly clientId: string;
}

/** The outcome: a failure never says what was wrong, so the page can only ever show one message. */
export type LoginResult =
  | { readonly outcome: 'succeeded'; readonly user: UserRecord }
  | { readonly outcome: 'failed' }
  | { readonly outcome: 'throttled'; readonly lock: Lock };

/** The password functions login uses; replaceable so a test can see which ran. */
export interface PasswordHasher {
  verify(phc: string, password: string): Promise<boolean>;
  verifyDummy(password: string): Promise<false>;
  needsRehash(phc: string): boolean;
  hash(password: string): Promise<string>;
}

export const argon2Passwords: PasswordHasher = { verify: verifyPassword, verifyDummy: verifyDummyPassword, needsRehash, hash: hashPassword };

export interface LoginDeps {
  readonly store: Pick<Store, 'users'>;
  readonly events: EventBus;
  readonly throttle: LoginThrottle;
  readonly passwords?: PasswordHasher;
}

/** The user, when the username names one; whether the password matched an enabled account. */
async function verifyCredentials(deps: LoginDeps, attempt: LoginAttempt): Promise<{ user?: UserRecord; verified: boolean }> {
  const passwords = deps.passwords ?? argon2Passwords;
  const user = await deps.store.users.findByUsername(attempt.username);
  try {
    // SECURITY.md (login): an unknown user costs about as long as a wrong password, so timing reveals no usernames.
    if (user === undefined) return { verified: await passwords.verifyDummy(attempt.password) };
    const matches = await passwords.verify(user.passwordHash, attempt.password);
    // A disabled account fails exactly like a wrong password, after the same work.
    return { user, verified: matches && user.disabledAt === null };
  } catch (error) {
    // Too long to be anyone's password: refused before any hashing, for known and unknown users alike.
    if (error instanceof PasswordTooLongError) return { ...(user && { user }), verified: false };
    throw error;
  }
}

/**
 * Checks a login attempt at `now`. A throttled attempt is refused without looking at the password; a failure is
 * counted per account and per network, and the failure that reaches a limit answers `throttled` at once.
 * Emits `login.throttled`, `login.failed` and `login.succeeded`.
 */
export async function attemptLogin(deps: LoginDeps, attempt: LoginAttempt, context: EventContext, now: number): Promise<LoginResult> {
  const keys = throttleKeys(attempt.username, attempt.ip);
  const { clientId } = attempt;
  // SECURITY.md (brute force): while a lock is in force the password is not checked at all.
  const lock = await deps.throttle.findLock(keys, now);
  if (lock !== undefined) {
    deps.events.emit({ type: 'login.throttled', clientId, scope: lock.scope, retryAfter: lock.retryAfter }, context);
    return { outcome: 'throttled', lock };
  }
  const { user, verified } = await verifyCredentials(deps, attempt);
  if (user === undefined || !verified) {
    const lockNow = await deps.throttle.recordFailure(keys, now);
    deps.events.emit({ type: 'login.failed', clientId, userId: user?.userId ?? null }, context);
    if (lockNow === undefined) return { outcome: 'failed' };
    deps.events.emit({ type: 'login.throttled', clientId, scope: lockNow.scope, retryAfter: lockNow.retryAfter }, context);
    return { outcome: 'throttled', lock: lockNow };
  }
  await deps.throttle.recordSuccess(keys);
  await rehashIfNeeded(deps, user, attempt.password, now);
  deps.events.emit({ type: 'login.succeeded', userId: user.userId, clientId }, context);
  return { outcome: 'succeeded', user };
}

/** SECURITY.md (passwords): a hash made under older parameters is replaced while the password is at hand. */
async function rehashIfNeeded(deps: LoginDeps, user: UserRecord, password: string, now: number): Promise<void> {
  const passwords = deps.passwords ?? argon2Passwords;
  if (!passwords.needsRehash(user.passwordHash)) return;
  await deps.store.users.setPasswordHash(user.userId, await passwords.hash(password), now);
}
