// The Notes API: a resource server that accepts Gatehouse access tokens for its identifier with the `notes:read`
// scope, checked by gatehouse/resource-server, and answers with the caller's notes. Run by `npm run demo`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createAccessTokenVerifier, ResourceServerError, type Principal } from 'gatehouse/resource-server';

interface Note {
  readonly title: string;
  readonly body: string;
}

function setting(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    process.stderr.write(`notes api: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

const issuer = setting('ISSUER');
const identifier = setting('NOTES_API_IDENTIFIER');
const port = Number(setting('PORT'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`notes api: PORT must be a TCP port 0-65535\n`);
  process.exit(2);
}

const verifier = createAccessTokenVerifier({
  issuer,
  audience: identifier,
  realm: 'notes',
  // Introspection (RFC 7662) instead of local JWT checks: a token whose grant was revoked (the person removed the app's
  // access, or was signed out everywhere) stops working here at once. Without caching, so the demo shows it at once;
  // a busy API would cache answers a few seconds (the default, 10).
  introspection: { clientId: setting('INTROSPECTION_CLIENT_ID'), clientSecret: setting('INTROSPECTION_CLIENT_SECRET'), cacheTtl: 0 },
});

/** Stands in for a database: each person's notes, made on first use. */
const notesBySubject = new Map<string, readonly Note[]>();

function notesOf(principal: Principal): readonly Note[] {
  let notes = notesBySubject.get(principal.subject);
  if (notes === undefined) {
    const username = typeof principal.claims.username === 'string' ? principal.claims.username : 'you';
    notes = [
      { title: `Welcome, ${username}`, body: 'These notes are yours alone: the Notes API picks them by the subject of the access token.' },
      { title: 'How this page got here', body: 'The web app called GET /notes with a bearer token for this API, asked from Gatehouse with its refresh token.' },
      { title: 'Try this', body: 'Sign out of Gatehouse in another tab, then reload: the web app loses its session.' },
    ];
    notesBySubject.set(principal.subject, notes);
  }
  return notes;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://api.invalid').pathname;
  if (path !== '/notes') return json(response, 404, { error: 'not_found' });
  if (request.method !== 'GET') return void response.writeHead(405, { allow: 'GET' }).end();
  let principal: Principal;
  try {
    principal = await verifier.authenticate(request, { requiredScopes: ['notes:read'] });
  } catch (error) {
    // RFC 6750 §3: the library's refusal is the complete answer, status, WWW-Authenticate and body.
    if (error instanceof ResourceServerError) return void response.writeHead(error.status, error.headers).end(error.body);
    // Gatehouse could not be asked: not the caller's fault, and not a reason to let the request through.
    process.stderr.write(`notes api: could not check a token: ${error instanceof Error ? error.message : String(error)}\n`);
    return json(response, 503, { error: 'temporarily_unavailable' });
  }
  json(response, 200, { subject: principal.subject, notes: notesOf(principal) });
}

const server = createServer((request, response) => void handle(request, response));
server.once('error', (error) => {
  process.stderr.write(`notes api: could not start: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`notes api listening on http://localhost:${typeof address === 'object' && address !== null ? address.port : port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
