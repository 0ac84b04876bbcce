// GET and POST /userinfo (OpenID Connect Core §5.3): a bearer token from the header or form body (RFC 6750 §2.1-2.2).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../../app.js';
import { InvalidRequest, InvalidToken } from '../../errors/oauth-errors.js';
import { AccessTokenVerifier } from '../../tokens/access-token.js';
import { CLAIMS_SUPPORTED, resolveUserInfo } from '../../users/claims.js';
import { readParameters } from '../../protocol/parameters.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const USERINFO_PATH = '/userinfo';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function isFormBody(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The one bearer token of the request. @throws InvalidRequest, or InvalidToken without an error code when none. */
function readBearerToken(request: FastifyRequest, parameterBytes: number): string {
  const query = request.query as Record<string, unknown> | undefined;
  // RFC 9700 §4.3.2: a token in the URI leaks into logs and history, so the query is never a token source.
  if (query !== undefined && Object.hasOwn(query, 'access_token')) {
    throw new InvalidRequest({ description: 'Access tokens are not accepted in the query string.' });
  }
  const authorization = request.headers.authorization;
  const fromHeader = authorization !== undefined && /^bearer(\s|$)/i.test(authorization) ? BEARER.exec(authorization)?.[1] ?? null : undefined;
  if (fromHeader === null) throw new InvalidRequest({ description: 'The Authorization header is not a well-formed bearer credential.' });
  // RFC 6750 §2.2: the body is a token source only for a form-encoded POST.
  const fromBody = request.method === 'POST' && isFormBody(request) ? readParameters(request.body, parameterBytes).get('access_token') : undefined;
  // RFC 6750 §2: a client must not use more than one method to send the token.
  if (fromHeader !== undefined && fromBody !== undefined) throw new InvalidRequest({ description: 'The access token was sent in more than one way.' });
  const token = fromHeader ?? fromBody;
  // RFC 6750 §3.1: a request with no token gets a challenge without an error code.
  if (token === undefined) throw new InvalidToken({ noTokenPresented: true, cause: new Error('no bearer token presented') });
  return token;
}

export function registerUserInfoRoute(app: FastifyInstance, context: RouteContext): void {
  const { config, metadata, keyRing, store } = context;
  const verifier = new AccessTokenVerifier(keyRing, config.issuer, config.tokens.clockTolerance);
  metadata.contribute({
    userinfo_endpoint: metadata.endpointUrl(USERINFO_PATH),
    claims_supported: CLAIMS_SUPPORTED,
    subject_types_supported: ['public'],
  });
  const handler = async (request: FastifyRequest) => {
    const token = readBearerToken(request, config.limits.parameterBytes);
    return resolveUserInfo({ verifier, store }, token);
  };
  app.route({ method: ['GET', 'POST'], url: USERINFO_PATH, config: { errorChannel: 'bearer', cors: true }, handler });
  rejectOtherMethods(app, USERINFO_PATH, ['GET', 'POST']);
}
