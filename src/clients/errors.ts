// Errors of client registration: each message is one line an operator or an admin API caller can act on.

/** RFC 7591 §3.2.2 error codes, so an admin API can answer with the registration error response. */
export type ClientMetadataErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata';

/** One broken rule: the RFC 7591 field (e.g. `redirect_uris`), the list item when it is one, and what is wrong. */
export interface MetadataProblem {
  readonly field: string;
  readonly index?: number;
  readonly message: string;
}

/**
 * Metadata breaks the registration policy; `field` is the RFC 7591 name of the first broken field, `problems` lists
 * every broken rule, and the message names them all on one line.
 */
export class InvalidClientMetadata extends Error {
  readonly code: ClientMetadataErrorCode;

  constructor(readonly field: string, message: string, readonly problems: readonly MetadataProblem[] = [{ field, message }]) {
    super(problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '));
    this.name = 'InvalidClientMetadata';
    this.code = field === 'redirect_uris' || field === 'post_logout_redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
  }

  /** @param problems at least one */
  static listing(problems: readonly MetadataProblem[]): InvalidClientMetadata {
    const [first] = problems;
    if (first === undefined) throw new TypeError('InvalidClientMetadata.listing needs a problem');
    return new InvalidClientMetadata(first.field, first.message, problems);
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
