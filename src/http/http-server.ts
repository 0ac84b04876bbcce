// The HTTP server Gatehouse listens on. It is bound before the app is built, so an issuer derived from the port
// (dev mode, port 0) names the real one; until the app is ready it answers 503, and it closes gracefully.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';

/** The server could not listen; the message says what to change, for the operator. */
export class ListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string,
    message: string = describeListenFailure(host, port, code),
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** One line naming the setting to change for each way `listen` fails on a bad host or port. */
export function describeListenFailure(host: string, port: number, code: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} is in use; set GATEHOUSE_PORT (or \`port\` in the config file) to another port`;
    case 'EACCES':
      return `port ${port} needs privileges this process does not have; set GATEHOUSE_PORT (or \`port\` in the config file) to a port above 1023`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${host}: no such address on this machine; set GATEHOUSE_HOST (or \`host\` in the config file)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${host}: the host name does not resolve; set GATEHOUSE_HOST (or \`host\` in the config file)`;
    default:
      return `cannot listen on ${host} port ${port} (${code}); check GATEHOUSE_HOST and GATEHOUSE_PORT`;
  }
}

export interface HttpListener {
  readonly server: Server;
  /** The port listened on: the configured one, or the one the system chose for port 0. */
  readonly port: number;
  /** Routes every request to `handler` from now on; before, requests get 503 (Gatehouse is starting). */
  serve(handler: RequestListener): void;
  /** Stops accepting, closes idle keep-alive connections, and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

// The moments between binding and the app being ready: a load balancer retries elsewhere, a person reloads.
function answerStarting(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(503, { 'retry-after': '1', 'cache-control': 'no-store', connection: 'close', 'content-length': '0' });
  response.end();
}

/** @throws ListenError */
export async function listenHttp(host: string, port: number): Promise<HttpListener> {
  let handler: RequestListener = answerStarting;
  const server = createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(new ListenError(host, port, error.code ?? 'unknown error'));
    server.once('error', fail);
    server.listen({ host, port }, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : port,
    serve: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
