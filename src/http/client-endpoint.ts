// POST endpoints a client calls with its credentials (token, pushed authorization requests, introspection, revocation):
// form body only, never cached.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../app.js';
import { authenticateClient } from '../clients/authenticate.js';
import { InvalidClient, UnsupportedMediaType, type OAuthError } from '../errors/oauth-errors.js';
import { toOAuthError } from '../protocol/error-responses.js';
import type { EventContext } from '../observability/events.js';
import type { JoinFlow } from '../observability/flow-id.js';
import { readParameters, type Parameters } from '../protocol/parameters.js';
import { splitResourceParameters } from '../protocol/resource-indicators.js';
import type { ClientRecord } from '../store/records.js';
import { eventContext, flowJoiner } from './event-context.js';
import { answeredError, rejectOtherMethods } from './plugins/error-handler.js';

/**
 * RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1: these endpoints take application/x-www-form-urlencoded only (parameters
 * such as charset aside).
 */
function requireFormBody(request: FastifyRequest): void {
  const essence = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (essence !== 'application/x-www-form-urlencoded') throw new UnsupportedMediaType();
}

/** An authenticated call: the client, every body parameter (each sent once), where it came from, and when. */
export interface ClientCall {
  readonly client: ClientRecord;
  readonly parameters: Parameters;
  /** The RFC 8707 `resource` values, at an endpoint that takes them; empty elsewhere. */
  readonly resources: readonly string[];
  readonly origin: EventContext;
  readonly now: number;
  /** The `DPoP` request header as received (RFC 9449 §4.1), for an endpoint that takes proofs. */
  readonly dpopHeader: string | readonly string[] | undefined;
  /** Joins the call to the authorization flow its code or device authorization belongs to (or starts). */
  readonly joinFlow: JoinFlow;
}

/** A refused call: the client once it authenticated, or the registered one its refused credentials named (else null), and its body as received. */
export interface RefusedCall {
  readonly clientId: string | null;
  readonly body: unknown;
  readonly origin: EventContext;
}

/**
 * Registers `POST path` (answering CORS for public clients' origins when `cors`): the client authenticates by its registered method, as at the token endpoint (`invalid_client`
 * 401 otherwise), errors use its format (RFC 6749 §5.2), and `handle` returns the JSON body (sent with `successStatus`,
 * default 200), or undefined for an empty 200.
 */
export function registerClientEndpoint(
  app: FastifyInstance,
  context: Pick<RouteContext, 'clock' | 'clients' | 'config' | 'metadata' | 'clientAssertions'>,
  endpoint: {
    readonly path: string;
    readonly cors: boolean;
    readonly resourceIndicators?: boolean;
    readonly successStatus?: 200 | 201;
    readonly dpop?: boolean;
    /** More URLs a client assertion may name as its audience than the issuer and this endpoint's. */
    readonly assertionAudiences?: readonly string[];
    /** Hears of every refused POST, before or after its body was read, with the error it is answered with. */
    readonly onRefused?: (error: OAuthError, call: RefusedCall) => void;
  },
  handle: (call: ClientCall) => Promise<object | undefined>,
): void {
  const { clock, clients, clientAssertions } = context;
  const { path, cors } = endpoint;
  // RFC 7523 §3: a client assertion may name the endpoint it is sent to as its audience.
  const assertionAudiences = [context.metadata.endpointUrl(path), ...(endpoint.assertionAudiences ?? [])];
  const { parameterBytes } = context.config.limits;
  void app.register((scope, _options, done) => {
    // RFC 6749 §5.1 and §5.2, RFC 7662 §2.2: every answer, errors and 405s included, is never cached.
    scope.addHook('onRequest', (_request, reply, done) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      done();
    });
    // Refusals before the handler ran (Fastify's 415, 413 or malformed body; a failing hook) are heard of here.
    const reached = new WeakSet<FastifyRequest>();
    scope.addHook('onError', async (request, _reply, error) => {
      if (request.method !== 'POST' || reached.has(request)) return;
      endpoint.onRefused?.(answeredError(error), { clientId: null, body: request.body, origin: eventContext(request) });
    });
    scope.post(path, { config: { errorChannel: 'token', cors, dpop: endpoint.dpop === true } }, async (request, reply) => {
      reached.add(request);
      const origin = eventContext(request);
      let client: ClientRecord | undefined;
      try {
        requireFormBody(request);
        // RFC 8707 §2: where resource indicators are taken, `resource` may repeat; every other parameter once (RFC 6749 §3.2).
        const { resources, rest } = endpoint.resourceIndicators === true ? splitResourceParameters(request.body, parameterBytes) : { resources: [], rest: request.body };
        const parameters = readParameters(rest, parameterBytes);
        const now = clock();
        client = await authenticateClient({ authorization: request.headers.authorization, parameters, now, assertionAudiences, origin }, clients, clientAssertions);
        request.clientId = client.clientId;
        const body = await handle({ client, parameters, resources, origin, now, dpopHeader: request.headers.dpop, joinFlow: flowJoiner(request) });
        if (body === undefined) return reply.send();
        return reply.code(endpoint.successStatus ?? 200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
      } catch (error) {
        const refused = toOAuthError(error);
        const clientId = client?.clientId ?? (refused instanceof InvalidClient ? refused.registeredClientId : null);
        endpoint.onRefused?.(refused, { clientId, body: request.body, origin });
        throw error;
      }
    });
    rejectOtherMethods(scope, path, ['POST']);
    done();
  });
}
