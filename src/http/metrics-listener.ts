// The optional private listener (metrics.listen): serves GET /metrics and nothing else, on an address of its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowed, NotFound, ServerError, type OAuthError } from '../errors/oauth-errors.js';
import type { GatehouseMetrics } from '../observability/metrics.js';
import { renderError, type ErrorChannel } from '../protocol/error-responses.js';
import { listenHttp, ListenError, type HttpListener } from './http-server.js';
import { mayScrape, scrapeRefused } from './metrics-access.js';
import { METRICS_PATH } from './routes/metrics.js';

/** `host:port` or `[ipv6]:port`, as the schema accepts it. */
export function parseListenAddress(listen: string): { readonly host: string; readonly port: number } {
  const separator = listen.lastIndexOf(':');
  const host = listen.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(listen.slice(separator + 1)) };
}

function sendError(response: ServerResponse, channel: ErrorChannel, error: OAuthError, extra: Record<string, string> = {}): void {
  const rendered = renderError(channel, error);
  response.writeHead(rendered.status, { ...rendered.headers, ...extra }).end(rendered.body);
}

async function answer(request: IncomingMessage, response: ServerResponse, metrics: GatehouseMetrics, bearerToken: string | undefined): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  if (path !== METRICS_PATH) return sendError(response, 'api', new NotFound());
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 'api', new MethodNotAllowed(), { allow: 'GET, HEAD' });
  // Meant for a private network: open there, unless a token is configured, which this listener then asks for too.
  if (!mayScrape(request.headers.authorization, { open: bearerToken === undefined, bearerToken })) return sendError(response, 'bearer', scrapeRefused());
  const { contentType, body } = await metrics.scrape();
  response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body);
}

/** Listens on `listen` (`metrics.listen`). @throws ListenError when it cannot */
export async function listenMetrics(listen: string, metrics: GatehouseMetrics, bearerToken: string | undefined): Promise<HttpListener> {
  const { host, port } = parseListenAddress(listen);
  let listener: HttpListener;
  try {
    listener = await listenHttp(host, port);
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    throw new ListenError(host, port, error.code, `cannot listen on ${listen} for metrics (${error.code}); set GATEHOUSE_METRICS_LISTEN (or \`metrics.listen\` in the config file) to a free address`);
  }
  listener.serve((request, response) => {
    answer(request, response, metrics, bearerToken).catch((error: unknown) => sendError(response, 'api', new ServerError({ cause: error })));
  });
  return listener;
}
