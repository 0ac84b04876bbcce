// Brute-force throttling of logins: failures counted per account and per client network in the store, locks that grow.
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Config } from '../config/schema.js';
import type { LoginThrottleRecord } from '../store/records.js';
import type { LoginThrottleRepository } from '../store/store.js';

/** The first lock, once a key reaches its limit; each further failure doubles it, up to MAX_LOCK_SECONDS. */
export const FIRST_LOCK_SECONDS = 60;
export const MAX_LOCK_SECONDS = 900;
/** Stale keys are swept at most this often per process, on the failure path. */
const SWEEP_INTERVAL = 3600;
const STALE_KEYS_PER_SWEEP = 500;

export type ThrottleScope = 'account' | 'ip';

/** Where a login attempt is counted: its account (as typed, known or not) and its client's network. */
export interface ThrottleKeys {
  readonly account: string;
  readonly ip: string;
}

/** A refusal in force: which key is locked and for how many more seconds. */
export interface Lock {
  readonly scope: ThrottleScope;
  readonly retryAfter: number;
}

/** The lock earned by `failures` failures against a limit of `limit`: none below it, then 60 s doubling to 15 minutes. */
export function lockSeconds(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(FIRST_LOCK_SECONDS * 2 ** Math.min(failures - limit, 20), MAX_LOCK_SECONDS);
}

function expandIPv6(address: string): number[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const toGroups = (part: string | undefined): number[] =>
    (part ? part.split(':') : []).flatMap((group) =>
      group.includes('.') ? [0, 0] : [Number.parseInt(group, 16)],
    );
  const left = toGroups(head);
  const right = toGroups(tail);
  return [...left, ...Array<number>(Math.max(8 - left.length - right.length, 0)).fill(0), ...right];
}

/** One person's network: an IPv4 address, or an IPv6 /64 (one subscriber usually holds a whole /64). */
export function ipNetwork(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The account key hashes the username, so attempted usernames (often mistyped passwords) are never stored as typed. */
export function throttleKeys(username: string, ip: string): ThrottleKeys {
  return {
    account: `account:${createHash('sha256').update(username, 'utf8').digest('base64url')}`,
    ip: `ip:${ipNetwork(ip)}`,
  };
}

/** Counts failures in the store (shared by every instance) and answers whether an attempt must be refused. */
export class LoginThrottle {
  private lastSweepAt = 0;

  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly limits: Config['rateLimits'],
  ) {}

  /** The longest lock in force on either key at `now`, if any. */
  async findLock(keys: ThrottleKeys, now: number): Promise<Lock | undefined> {
    return this.longest(keys, await this.repository.findLocked([keys.account, keys.ip], now), now);
  }

  /** Counts a failure on both keys, locks each key at or over its limit, and returns the lock now in force, if any. */
  async recordFailure(keys: ThrottleKeys, now: number): Promise<Lock | undefined> {
    const window = this.limits.loginWindow;
    const [account, ip] = await Promise.all([
      this.repository.recordFailure(keys.account, now, window),
      this.repository.recordFailure(keys.ip, now, window),
    ]);
    const locked: LoginThrottleRecord[] = [];
    for (const [record, limit] of [[account, this.limits.loginFailuresPerAccount], [ip, this.limits.loginFailuresPerIp]] as const) {
      const seconds = lockSeconds(record.failures, limit);
      if (seconds === 0) continue;
      await this.repository.lock(record.throttleKey, now + seconds);
      locked.push({ ...record, lockedUntil: Math.max(record.lockedUntil, now + seconds) });
    }
    await this.sweep(now);
    return this.longest(keys, locked, now);
  }

  /** A successful login clears its account's count; the network's count stays, so one good password unlocks no guessing. */
  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.repository.clear(keys.account);
  }

  private longest(keys: ThrottleKeys, records: readonly LoginThrottleRecord[], now: number): Lock | undefined {
    const longest = records.reduce<LoginThrottleRecord | undefined>((best, record) => (best && best.lockedUntil >= record.lockedUntil ? best : record), undefined);
    if (longest === undefined || longest.lockedUntil <= now) return undefined;
    return { scope: longest.throttleKey === keys.account ? 'account' : 'ip', retryAfter: longest.lockedUntil - now };
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweepAt < SWEEP_INTERVAL) return;
    this.lastSweepAt = now;
    await this.repository.deleteStale(now - this.limits.loginWindow, STALE_KEYS_PER_SWEEP);
  }
}
