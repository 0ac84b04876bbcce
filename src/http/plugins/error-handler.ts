// Maps every thrown error, Fastify's own included, to the route's error channel via src/protocol/error-responses.ts.
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  InvalidRequest,
  MethodNotAllowed,
  NotFound,
  type OAuthError,
  PayloadTooLarge,
  UnsupportedMediaType,
} from '../../errors/oauth-errors.js';
import { renderError, toOAuthError, type ErrorChannel } from '../../protocol/error-responses.js';
import type { FailureSubject } from '../../protocol/flow.js';
import { requestedSubject } from '../rejection-subject.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The wire format this route's errors use; defaults to `api`. */
    errorChannel?: ErrorChannel;
  }
}

/** Fastify raises its own errors for framing problems; each becomes the matching OAuth error. */
function fromFastifyError(error: FastifyError): OAuthError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge({ cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType({ cause: error });
    default:
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return new InvalidRequest({ cause: error });
      }
      return undefined;
  }
}

/** The OAuth error a thrown error is answered with, Fastify's framing errors (415, 413, a malformed body) included. */
export function answeredError(thrown: unknown): OAuthError {
  const fastifyError = thrown as Partial<FastifyError>;
  return (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_')
    ? fromFastifyError(thrown as FastifyError)
    : undefined) ?? toOAuthError(thrown);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply {
  const error = answeredError(thrown);
  logError(request, error);
  const channel = request.routeOptions.config.errorChannel ?? 'api';
  const rendered = renderError(channel, error, request.id);
  return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}

/**
 * One line per failed request: server errors at error with their cause; rejections at info with the error code, the
 * fixed description and the cause's message (together they say which check failed), plus the client_id and
 * redirect_uri when known: what the flow validated (`known`), else what the request named. Never a token, code,
 * secret, state or nonce: none of those fields is read here. A 503 temporarily_unavailable (a shed request, a full
 * password-hashing queue) is a rejection, not a failure: under overload there are thousands a second, and each
 * logged at error with a stack would add to the load it is shedding and bury real failures.
 */
export function logError(request: FastifyRequest, error: OAuthError, known: FailureSubject = {}): void {
  const requested = requestedSubject(request);
  const subject = { client_id: known.clientId ?? requested.clientId, redirect_uri: known.redirectUri ?? requested.redirectUri };
  request.errorCode = error.code;
  if (error.code === 'server_error') {
    request.log.error({ err: error.cause ?? error, ...subject }, 'request failed');
    return;
  }
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  request.log.info({ error: error.code, description: error.description, cause, ...subject }, 'request rejected');
}

const MALFORMED_HTTP_RESPONSE = (() => {
  const body = JSON.stringify({ error: 'invalid_request', error_description: 'The request could not be parsed as HTTP.' });
  return `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
})();

/** Bytes that are not HTTP never reach a route; they get the same JSON error shape and the socket is closed. */
export function rejectMalformedHttp(_error: Error, socket: Duplex): void {
  if (socket.writable) socket.end(MALFORMED_HTTP_RESPONSE);
  else socket.destroy();
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new NotFound()));
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** Registers 405 with an `Allow` header for every method a path does not serve. */
export function rejectOtherMethods(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const served = new Set(allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed);
  const others = ALL_METHODS.filter((method) => !served.has(method));
  app.route({
    method: others,
    url,
    handler: (request, reply) => sendError(request, reply.header('allow', [...served].join(', ')), new MethodNotAllowed()),
  });
}
