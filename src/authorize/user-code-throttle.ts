// RFC 8628 §5.1: brute force of user codes, throttled per client network in the store (shared by every instance).
import type { Config } from '../config/schema.js';
import type { LoginThrottleRepository } from '../store/store.js';
import { ipNetwork, lockSeconds } from '../users/login-throttle.js';

export class UserCodeThrottle {
  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly limits: { readonly failuresPerIp: Config['deviceAuthorization']['userCodeFailuresPerIp']; readonly window: number },
  ) {}

  /** Seconds the network of `ip` must still wait before entering another code, or undefined when it may. */
  async retryAfter(ip: string, now: number): Promise<number | undefined> {
    const [locked] = await this.repository.findLocked([this.keyOf(ip)], now);
    return locked === undefined ? undefined : locked.lockedUntil - now;
  }

  /** Counts a wrong code; at the limit the network is locked (60 s, doubling to 15 minutes). Returns the new lock's seconds, if any. */
  async recordFailure(ip: string, now: number): Promise<number | undefined> {
    const key = this.keyOf(ip);
    const record = await this.repository.recordFailure(key, now, this.limits.window);
    const seconds = lockSeconds(record.failures, this.limits.failuresPerIp);
    if (seconds === 0) return undefined;
    await this.repository.lock(key, now + seconds);
    return seconds;
  }

  /** Its own key space beside the login keys: wrong codes and wrong passwords are counted apart. */
  private keyOf(ip: string): string {
    return `user_code:ip:${ipNetwork(ip)}`;
  }
}
