// A relying party web app on loopback: /start sends the browser to Gatehouse, /callback finishes the flow with a library.
import { createServer, type Server } from 'node:http';
import type { RelyingPartyLibrary } from './libraries.js';

export interface RelyingPartyServer {
  readonly url: string;
  /** The library the next flow uses. */
  use(library: RelyingPartyLibrary): void;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Listens on the given loopback port, so its callback URL can be registered before it starts. */
export async function startRelyingParty(port: number): Promise<RelyingPartyServer> {
  let library: RelyingPartyLibrary | undefined;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const send = (status: number, id: string, text: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>RP</title><pre id="${id}">${escapeHtml(text)}</pre>`);
    };
    if (!library) return send(500, 'error', 'no library chosen');
    const current = library;
    if (url.pathname === '/start') {
      const extra = Object.fromEntries(url.searchParams);
      current.authorizationUrl(extra).then(
        (target) => {
          response.writeHead(302, { location: target.href });
          response.end();
        },
        (error: unknown) => send(500, 'error', String(error)),
      );
      return;
    }
    if (url.pathname === '/callback') {
      if (url.searchParams.has('error')) return send(200, 'error', JSON.stringify(Object.fromEntries(url.searchParams)));
      current.complete(url).then(
        (result) => send(200, 'result', JSON.stringify(result)),
        (error: unknown) => send(500, 'error', error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
      );
      return;
    }
    send(404, 'error', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    use: (next) => (library = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
