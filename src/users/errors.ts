// Errors of user administration: each message is one line an operator can act on, never containing a password.

/** A value breaks the account policy; `field` is the attribute name (`username`, `email`, `name`, `password`). */
export class InvalidUserInput extends Error {
  /** `reason`: what is wrong, without the field name ("must be at least 8 characters"). */
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidUserInput';
  }
}

export class UserNotFound extends Error {
  constructor(readonly username: string) {
    super(`no user named "${username}"`);
    this.name = 'UserNotFound';
  }
}

export class UsernameTaken extends Error {
  constructor(readonly username: string) {
    super(`username "${username}" is already taken`);
    this.name = 'UsernameTaken';
  }
}
