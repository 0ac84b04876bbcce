// Brute-force throttling of logins: failures counted per account, known device and client network in the store, locks that grow.
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { networkAt, parseIp } from '../protocol/ip-network.js';
import type { LoginThrottleRecord } from '../store/records.js';
import type { LoginThrottleRepository } from '../store/store.js';

/** The first lock, once a key reaches its limit; each further failure doubles it, up to MAX_LOCK_SECONDS. */
export const FIRST_LOCK_SECONDS = 60;
export const MAX_LOCK_SECONDS = 900;

export type ThrottleScope = 'account' | 'ip';

/**
 * Where a login attempt is counted: its account (as typed, known or not), its client's network and, when the browser
 * holds a genuine device cookie for that account, its device.
 */
export interface ThrottleKeys {
  readonly account: string;
  readonly ip: string;
  readonly device?: string;
}

/** A refusal in force: which key is locked and for how many more seconds. */
export interface Lock {
  readonly scope: ThrottleScope;
  readonly retryAfter: number;
}

/** The verdict before the password is checked. */
export interface ThrottleCheck {
  /** The keys the attempt is held to: without `device` when the device is past its own limit. */
  readonly keys: ThrottleKeys;
  /** The lock in force, if any: the attempt is refused without looking at the password. */
  readonly lock: Lock | undefined;
}

/** The lock earned by `failures` failures against a limit of `limit`: none below it, then 60 s doubling to 15 minutes. */
export function lockSeconds(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(FIRST_LOCK_SECONDS * 2 ** Math.min(failures - limit, 20), MAX_LOCK_SECONDS);
}

/** One person's network: an IPv4 address, or an IPv6 /64 (one subscriber usually holds a whole /64). */
export function ipNetwork(ip: string): string {
  const address = parseIp(ip);
  if (address === undefined) return ip;
  return address.family === 'ipv4' ? address.address : networkAt(address, 64);
}

/** SHA-256 of the username as typed, base64url: the account's throttle key, its device cookies and its log lines name it so. */
export function hashUsername(username: string): string {
  return createHash('sha256').update(username, 'utf8').digest('base64url');
}

/** The account key hashes the username, so attempted usernames (often mistyped passwords) are never stored as typed. */
export function throttleKeys(usernameHash: string, ip: string, deviceId?: string): ThrottleKeys {
  return { account: `account:${usernameHash}`, ip: `ip:${ipNetwork(ip)}`, ...(deviceId !== undefined && { device: `device:${deviceId}` }) };
}

/** Counts failures in the store (shared by every instance) and answers whether an attempt must be refused. */
export class LoginThrottle {
  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly limits: Pick<Config['rateLimits'], 'loginFailuresPerAccount' | 'loginFailuresPerDevice' | 'loginFailuresPerIp' | 'loginWindow'>,
  ) {}

  /**
   * The keys an attempt is held to, and the longest lock in force on them at `now`, if any.
   * SECURITY.md (brute force): a known device under its own limit is exempt from the account lock; past its limit
   * it counts as unknown, so the account lock applies. The network lock applies to every attempt.
   */
  async check(keys: ThrottleKeys, now: number): Promise<ThrottleCheck> {
    const candidates = keys.device === undefined ? [keys.account, keys.ip] : [keys.account, keys.ip, keys.device];
    const locked = await this.repository.findLocked(candidates, now);
    const held: ThrottleKeys = locked.some((record) => record.throttleKey === keys.device) ? { account: keys.account, ip: keys.ip } : keys;
    const enforced = locked.filter((record) => record.throttleKey === held.ip || (held.device === undefined && record.throttleKey === held.account));
    return { keys: held, lock: this.longest(held, enforced, now) };
  }

  /**
   * Counts a failure on the keys the attempt is held to (`check` says which): a known device's failure counts against
   * the device and the network, anyone else's against the account and the network. Locks each key at or over its
   * limit, and returns the lock the next attempt with these keys meets, if any.
   */
  async recordFailure(keys: ThrottleKeys, now: number): Promise<Lock | undefined> {
    await Promise.all(this.limitsOf(keys).map(([key, limit]) => this.countFailure(key, limit, now)));
    // Checked again rather than derived from the counts: a device that just reached its limit meets the account's lock.
    return (await this.check(keys, now)).lock;
  }

  /**
   * A success clears the count the attempt was held to: a known device's own, or else the account's. The network's
   * stays, so one good password unlocks no guessing; and a known device signing in leaves the account's count (the
   * one unknown devices face) as an attacker left it.
   */
  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.repository.clear(keys.device ?? keys.account);
  }

  private limitsOf(keys: ThrottleKeys): ReadonlyArray<readonly [string, number]> {
    const { loginFailuresPerAccount, loginFailuresPerDevice, loginFailuresPerIp } = this.limits;
    const held = keys.device === undefined ? ([keys.account, loginFailuresPerAccount] as const) : ([keys.device, loginFailuresPerDevice] as const);
    return [held, [keys.ip, loginFailuresPerIp]];
  }

  private async countFailure(key: string, limit: number, now: number): Promise<void> {
    const record = await this.repository.recordFailure(key, now, this.limits.loginWindow);
    const seconds = lockSeconds(record.failures, limit);
    if (seconds > 0) await this.repository.lock(key, now + seconds);
  }

  private longest(keys: ThrottleKeys, records: readonly LoginThrottleRecord[], now: number): Lock | undefined {
    const longest = records.reduce<LoginThrottleRecord | undefined>((best, record) => (best && best.lockedUntil >= record.lockedUntil ? best : record), undefined);
    if (longest === undefined || longest.lockedUntil <= now) return undefined;
    return { scope: longest.throttleKey === keys.account ? 'account' : 'ip', retryAfter: longest.lockedUntil - now };
  }
}
