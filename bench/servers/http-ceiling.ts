// The bare node:http ceiling: answers each request shape of the scenarios, as Gatehouse's paths do, with a canned
// body of about the real size and no work at all. What is left is what the HTTP layer costs: the upper bound.
// Usage: BENCH_PORT=… node --import tsx bench/servers/http-ceiling.ts
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { REDIRECT_URI } from '../protocol.js';

const port = Number(process.env.BENCH_PORT);
const issuer = `http://127.0.0.1:${port}`;
const jwtLike = (length: number): string => `eyJ${'x'.repeat(length - 5)}.s`;
const padding = (bytes: number): string => `<p hidden>${'.'.repeat(bytes)}</p>`;

const discovery = JSON.stringify({
  issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`,
  introspection_endpoint: `${issuer}/introspect`, userinfo_endpoint: `${issuer}/userinfo`,
});
const tokensForPerson = JSON.stringify({
  access_token: jwtLike(620), token_type: 'Bearer', expires_in: 600, scope: 'openid profile email offline_access bench:read',
  refresh_token: 'r'.repeat(43), id_token: jwtLike(640),
});
const tokensForClient = JSON.stringify({ access_token: jwtLike(520), token_type: 'Bearer', expires_in: 600, scope: 'bench:read' });
const introspection = JSON.stringify({
  active: true, scope: 'openid profile email offline_access', client_id: 'bench-pool', sub: '6f1c2a7e-0000-4000-8000-000000000000',
  aud: issuer, iss: issuer, exp: 2_000_000_000, iat: 1_999_999_400, jti: 'j'.repeat(22), token_type: 'Bearer', username: 'bench',
});
const userinfo = JSON.stringify({ sub: '6f1c2a7e-0000-4000-8000-000000000000', name: 'Bench', preferred_username: 'bench', updated_at: 0, email: 'bench@bench.example', email_verified: true });
const loginPage = `<!doctype html><html><body><form method="post" action="/login"><input type="hidden" name="interaction" value="${'i'.repeat(43)}"><input type="hidden" name="csrf_token" value="${'c'.repeat(43)}"><input name="username"><input type="password" name="password"></form>${padding(3000)}</body></html>`;
const consentPage = `<!doctype html><html><body><form method="post" action="/consent"><input type="hidden" name="interaction" value="${'i'.repeat(43)}"><input type="hidden" name="csrf_token" value="${'c'.repeat(43)}"><button type="submit" name="decision" value="allow">Allow</button></form>${padding(3000)}</body></html>`;
const codeRedirect = `${REDIRECT_URI}?code=${'k'.repeat(43)}&state=s&iss=${encodeURIComponent(issuer)}`;

function answer(res: ServerResponse, status: number, type: string, body: string, location?: string): void {
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store' };
  if (location !== undefined) headers.location = location;
  res.writeHead(status, headers).end(body);
}

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', issuer);
  const json = 'application/json; charset=utf-8';
  const html = 'text/html; charset=utf-8';
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /.well-known/openid-configuration': return answer(res, 200, json, discovery);
    case 'GET /authorize':
      return url.searchParams.get('prompt') === 'none'
        ? answer(res, 303, html, '', codeRedirect)
        : answer(res, 303, html, '', `/login?interaction=${'i'.repeat(43)}`);
    case 'GET /login': return answer(res, 200, html, loginPage);
    case 'POST /login': return answer(res, 303, html, '', `/authorize/resume?interaction=${'i'.repeat(43)}`);
    case 'GET /authorize/resume': return answer(res, 303, html, '', `/consent?interaction=${'i'.repeat(43)}`);
    case 'GET /consent': return answer(res, 200, html, consentPage);
    case 'POST /consent': return answer(res, 303, html, '', codeRedirect);
    case 'POST /token':
      return answer(res, 200, json, new URLSearchParams(body).get('grant_type') === 'client_credentials' ? tokensForClient : tokensForPerson);
    case 'POST /introspect': return answer(res, 200, json, introspection);
    case 'GET /userinfo': return answer(res, 200, json, userinfo);
    default: return answer(res, 404, json, '{"error":"not_found"}');
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => route(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`node:http ceiling listening at ${issuer}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
