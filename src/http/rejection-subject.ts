// The client and redirect URI a rejected request names, for its log line: neither is a secret, and an operator needs
// both to tell which integration is failing (SECURITY.md (logs and audit)).
import type { FastifyRequest } from 'fastify';
import { readBasicCredentials } from '../clients/client-secret-basic.js';
import type { FailureSubject } from '../protocol/flow.js';

/** Request values are hostile: only single strings are logged, cut to a length a log line can afford. */
const MAX_LOGGED_CHARACTERS = 512;

function loggable(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > MAX_LOGGED_CHARACTERS ? `${value.slice(0, MAX_LOGGED_CHARACTERS)}…` : value;
}

/** The client id of a Basic Authorization header; the secret never leaves this function. */
function basicClientId(authorization: string | undefined): string | undefined {
  try {
    return readBasicCredentials(authorization)?.clientId;
  } catch {
    return undefined;
  }
}

/** What the request itself says: `client_id` and `redirect_uri` of its query or form body, or a Basic header's client id. */
export function requestedSubject(request: FastifyRequest): FailureSubject {
  const source: unknown = request.method === 'POST' ? request.body : request.query;
  const fields = typeof source === 'object' && source !== null ? (source as Record<string, unknown>) : {};
  return {
    clientId: loggable(fields.client_id) ?? loggable(basicClientId(request.headers.authorization)),
    redirectUri: loggable(fields.redirect_uri),
  };
}
