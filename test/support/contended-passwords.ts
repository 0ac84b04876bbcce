// Argon2 for tests of the password-hashing cap: the test can hold the next verification, or make hashing find no slot.
import { HashingBusy } from '../../src/users/hashing-slots.js';
import { argon2Passwords, type PasswordHasher } from '../../src/users/login.js';

export class ContendedPasswords implements PasswordHasher {
  /** While true, hashing a new password fails as it does when every hashing slot stays taken. */
  hashesBusy = false;
  private held: { started: () => void; finished: Promise<void> } | undefined;

  /** Holds the next `verify`: `started` resolves once it runs (holding its hashing slot), `release` lets it finish. */
  holdNextVerify(): { started: Promise<void>; release: () => void } {
    let release!: () => void;
    let started!: () => void;
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    this.held = { started, finished: new Promise<void>((resolve) => (release = resolve)) };
    return { started: startedPromise, release };
  }

  async verify(phc: string, password: string): Promise<boolean> {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) {
      held.started();
      await held.finished;
    }
    return argon2Passwords.verify(phc, password);
  }

  verifyDummy = (password: string) => argon2Passwords.verifyDummy(password);
  needsRehash = (phc: string) => argon2Passwords.needsRehash(phc);
  hash = (password: string) => (this.hashesBusy ? Promise.reject(new HashingBusy(1)) : argon2Passwords.hash(password));
}
