// Errors of client registration: each message is one line an operator or an admin API caller can act on.

/** RFC 7591 §3.2.2 error codes, so an admin API can answer with the registration error response. */
export type ClientMetadataErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata';

/** A metadata value breaks the registration policy; `field` is its RFC 7591 name (e.g. `redirect_uris`). */
export class InvalidClientMetadata extends Error {
  readonly code: ClientMetadataErrorCode;

  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InvalidClientMetadata';
    this.code = field === 'redirect_uris' || field === 'post_logout_redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
  }
}

export class ClientNotFound extends Error {
  constructor(readonly clientId: string) {
    super(`no client with client_id "${clientId}"`);
    this.name = 'ClientNotFound';
  }
}

export class ClientNameTaken extends Error {
  constructor(readonly clientName: string) {
    super(`a client named "${clientName}" already exists`);
    this.name = 'ClientNameTaken';
  }
}

/** The operation does not apply to this client, e.g. rotating the secret of a public client. */
export class ClientOperationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientOperationRefused';
  }
}
