// GET and POST /userinfo (OpenID Connect Core §5.3): a bearer token from the header or form body (RFC 6750 §2.1-2.2),
// or a DPoP-bound token with its proof (RFC 9449 §7.1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../../app.js';
import { InvalidRequest, InvalidToken } from '../../errors/oauth-errors.js';
import { AccessTokenVerifier } from '../../tokens/access-token.js';
import { CLAIMS_SUPPORTED, resolveUserInfo } from '../../users/claims.js';
import { readParameters } from '../../protocol/parameters.js';
import { checkSenderConstraint, type PresentedAccessToken } from '../../dpop/token-binding.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';
import { eventContext } from '../event-context.js';

export const USERINFO_PATH = '/userinfo';

// RFC 6750 §2.1 and RFC 9449 §7.1: credentials = ("Bearer" / "DPoP") 1*SP token68; schemes are case-insensitive (RFC 9110 §11.1).
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^(bearer|dpop)(\s|$)/i;

function isFormBody(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The one access token of the request. @throws InvalidRequest, or InvalidToken without an error code when none. */
function readAccessToken(request: FastifyRequest, parameterBytes: number): PresentedAccessToken {
  const query = request.query as Record<string, unknown> | undefined;
  // RFC 9700 §4.3.2: a token in the URI leaks into logs and history, so the query is never a token source.
  if (query !== undefined && Object.hasOwn(query, 'access_token')) {
    throw new InvalidRequest({ description: 'Access tokens are not accepted in the query string.' });
  }
  const authorization = request.headers.authorization;
  const credentials = authorization !== undefined && SCHEME.test(authorization) ? CREDENTIALS.exec(authorization) ?? null : undefined;
  if (credentials === null) throw new InvalidRequest({ description: 'The Authorization header is not a well-formed Bearer or DPoP credential.' });
  const fromHeader = credentials?.[2];
  // RFC 6750 §2.2: the body is a token source only for a form-encoded POST.
  const fromBody = request.method === 'POST' && isFormBody(request) ? readParameters(request.body, parameterBytes).get('access_token') : undefined;
  // RFC 6750 §2: a client must not use more than one method to send the token.
  if (fromHeader !== undefined && fromBody !== undefined) throw new InvalidRequest({ description: 'The access token was sent in more than one way.' });
  if (fromBody !== undefined) return { token: fromBody, scheme: 'Bearer' };
  // RFC 6750 §3.1: a request with no token gets a challenge without an error code.
  if (credentials?.[1] === undefined || fromHeader === undefined) throw new InvalidToken({ noTokenPresented: true, cause: new Error('no bearer token presented') });
  return { token: fromHeader, scheme: credentials[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' };
}

export function registerUserInfoRoute(app: FastifyInstance, context: RouteContext): void {
  const { config, metadata, keyRing, store } = context;
  const verifier = new AccessTokenVerifier(keyRing, config.issuer, config.tokens.clockTolerance);
  metadata.contribute({
    userinfo_endpoint: metadata.endpointUrl(USERINFO_PATH),
    claims_supported: CLAIMS_SUPPORTED,
    subject_types_supported: ['public'],
  });
  const url = metadata.endpointUrl(USERINFO_PATH);
  const handler = async (request: FastifyRequest) => {
    const presented = readAccessToken(request, config.limits.parameterBytes);
    const protectedRequest = { dpopHeader: request.headers.dpop, method: request.method, url, origin: eventContext(request) };
    return resolveUserInfo({ verifier, store }, presented.token, (token) => checkSenderConstraint(context.dpop, presented, token, protectedRequest));
  };
  app.route({ method: ['GET', 'POST'], url: USERINFO_PATH, config: { errorChannel: 'bearer', cors: true, dpop: true }, handler });
  rejectOtherMethods(app, USERINFO_PATH, ['GET', 'POST']);
}
