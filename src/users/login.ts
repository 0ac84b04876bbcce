// The credential check behind the login form: throttle first, one generic failure, a dummy hash for unknown users.
import type { EventBus, EventContext } from '../observability/events.js';
import type { UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { DeviceCookies } from './device-cookies.js';
import { HashingBusy, type HashingSlots } from './hashing-slots.js';
import { hashUsername, type Lock, type LoginThrottle, type ThrottleKeys, throttleKeys } from './login-throttle.js';
import { hashPassword, needsRehash, PasswordTooLongError, verifyDummyPassword, verifyPassword } from './password.js';

/** What the form sent, and where from; `clientId` names the application the person is signing in to (none for the account page). */
export interface LoginAttempt {
  readonly username: string;
  readonly password: string;
  readonly ip: string;
  readonly clientId?: string;
  /** The device cookie the browser sent, if any: genuine for this account, it makes the browser a known device. */
  readonly deviceCookie?: string;
}

/** The outcome: a failure never says what was wrong, so the page can only ever show one message. */
export type LoginResult =
  /** `deviceCookie`: the new device cookie value for this browser (SECURITY.md: brute force). */
  | { readonly outcome: 'succeeded'; readonly user: UserRecord; readonly deviceCookie: string }
  | { readonly outcome: 'failed' }
  | { readonly outcome: 'throttled'; readonly lock: Lock }
  /** No password-hashing slot came free: nothing was checked or counted; retry after `retryAfter` seconds. */
  | { readonly outcome: 'busy'; readonly retryAfter: number };

/** The password functions login uses; replaceable so a test can see which ran. */
export interface PasswordHasher {
  verify(phc: string, password: string): Promise<boolean>;
  verifyDummy(password: string): Promise<false>;
  needsRehash(phc: string): boolean;
  hash(password: string): Promise<string>;
}

export const argon2Passwords: PasswordHasher = { verify: verifyPassword, verifyDummy: verifyDummyPassword, needsRehash, hash: hashPassword };

/** `passwords` with every hash run in one of `slots`: each may throw HashingBusy (SECURITY.md: passwords). */
export function limitPasswordHashing(passwords: PasswordHasher, slots: HashingSlots): PasswordHasher {
  return {
    verify: (phc, password) => slots.run(() => passwords.verify(phc, password)),
    verifyDummy: (password) => slots.run(() => passwords.verifyDummy(password)),
    needsRehash: (phc) => passwords.needsRehash(phc),
    hash: (password) => slots.run(() => passwords.hash(password)),
  };
}

/** `passwords` with the time of every hash and verification told to `onHashed` (seconds), whatever its outcome. */
export function timePasswordHashing(passwords: PasswordHasher, onHashed: (seconds: number) => void): PasswordHasher {
  const timed = async <T>(run: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    try {
      return await run();
    } finally {
      onHashed(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  return {
    verify: (phc, password) => timed(() => passwords.verify(phc, password)),
    verifyDummy: (password) => timed(() => passwords.verifyDummy(password)),
    needsRehash: (phc) => passwords.needsRehash(phc),
    hash: (password) => timed(() => passwords.hash(password)),
  };
}

export interface LoginDeps {
  readonly store: Pick<Store, 'users'>;
  /** Failed and throttled logins reach the log through it, named by the username's hash (never the password). */
  readonly events: EventBus;
  readonly throttle: LoginThrottle;
  readonly deviceCookies: DeviceCookies;
  readonly passwords?: PasswordHasher;
}

/** An attempt with what the throttle made of it: the username's hash and the keys it is held to. */
interface CheckedAttempt extends LoginAttempt {
  readonly usernameHash: string;
  readonly keys: ThrottleKeys;
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
 * counted (per account, or per known device, and per network), and the failure that brings a lock answers
 * `throttled` at once. A success hands out a new device cookie. Emits `login.throttled`, `login.failed` and
 * `login.succeeded` (the event log writes the first two, throttling at warn).
 */
export async function attemptLogin(deps: LoginDeps, attempt: LoginAttempt, context: EventContext, now: number): Promise<LoginResult> {
  const usernameHash = hashUsername(attempt.username);
  const deviceId = deps.deviceCookies.recognise(attempt.deviceCookie, usernameHash, now);
  const { keys, lock } = await deps.throttle.check(throttleKeys(usernameHash, attempt.ip, deviceId), now);
  const checked: CheckedAttempt = { ...attempt, usernameHash, keys };
  // SECURITY.md (brute force): while a lock is in force the password is not checked at all.
  if (lock !== undefined) return throttled(deps, checked, { lock, passwordChecked: false }, context);
  try {
    return await checkPassword(deps, checked, context, now);
  } catch (error) {
    // SECURITY.md (passwords): past the hashing cap the login is turned away unchecked, so nothing is counted.
    if (error instanceof HashingBusy) return { outcome: 'busy', retryAfter: error.retryAfter };
    throw error;
  }
}

async function checkPassword(deps: LoginDeps, attempt: CheckedAttempt, context: EventContext, now: number): Promise<LoginResult> {
  const { user, verified } = await verifyCredentials(deps, attempt);
  const { clientId, usernameHash, keys } = attempt;
  if (user === undefined || !verified) {
    const lockNow = await deps.throttle.recordFailure(keys, now);
    deps.events.emit({ type: 'login.failed', clientId, userId: user?.userId ?? null, usernameHash, knownDevice: keys.device !== undefined }, context);
    return lockNow === undefined ? { outcome: 'failed' } : throttled(deps, attempt, { lock: lockNow, passwordChecked: true }, context);
  }
  await deps.throttle.recordSuccess(keys);
  await rehashIfNeeded(deps, user, attempt.password, now);
  deps.events.emit({ type: 'login.succeeded', userId: user.userId, clientId }, context);
  return { outcome: 'succeeded', user, deviceCookie: deps.deviceCookies.issue(usernameHash, now) };
}

/** `passwordChecked`: the lock came from this very attempt's failure (already emitted as login.failed). */
function throttled(deps: LoginDeps, attempt: CheckedAttempt, { lock, passwordChecked }: { lock: Lock; passwordChecked: boolean }, context: EventContext): LoginResult {
  const { clientId, usernameHash } = attempt;
  deps.events.emit({ type: 'login.throttled', clientId, usernameHash, scope: lock.scope, retryAfter: lock.retryAfter, passwordChecked }, context);
  return { outcome: 'throttled', lock };
}

/** SECURITY.md (passwords): a hash made under older parameters is replaced while the password is at hand. */
async function rehashIfNeeded(deps: LoginDeps, user: UserRecord, password: string, now: number): Promise<void> {
  const passwords = deps.passwords ?? argon2Passwords;
  if (!passwords.needsRehash(user.passwordHash)) return;
  let rehashed: string;
  try {
    rehashed = await passwords.hash(password);
  } catch (error) {
    // The login already succeeded; with no hashing slot free, the rehash waits for the next one.
    if (error instanceof HashingBusy) return;
    throw error;
  }
  await deps.store.users.setPasswordHash(user.userId, rehashed, now);
}
