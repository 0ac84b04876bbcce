// Errors of API registration: each message is one line an operator can act on.

/** A value breaks the API registration policy; `field` names it (`identifier`, `scopes`, ...). */
export class InvalidApiMetadata extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InvalidApiMetadata';
  }
}

export class ApiNotFound extends Error {
  constructor(readonly identifier: string) {
    super(`no API with identifier "${identifier}"`);
    this.name = 'ApiNotFound';
  }
}

export class ApiIdentifierTaken extends Error {
  constructor(readonly identifier: string) {
    super(`an API with identifier "${identifier}" already exists`);
    this.name = 'ApiIdentifierTaken';
  }
}
