// gatehouse/resource-server bounds its fetches to the issuer: an issuer that hangs costs one timeout, and an answer of
// unbounded size is refused once past the cap, never read to the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createAccessTokenVerifier, ResourceServerError } from '../../src/resource-server/index.js';
import { ISSUER_TIMEOUT_MS, MAX_ANSWER_BYTES } from '../../src/resource-server/fetch-json.js';

describe('resource server fetches to the issuer', () => {
  let server: Server;
  let issuer: string;
  const hanging: ServerResponse[] = [];

  before(async () => {
    server = createServer((request, response) => {
      const json = (value: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.url === '/.well-known/oauth-authorization-server/hangs') return void hanging.push(response);
      if (request.url === '/.well-known/oauth-authorization-server/huge') return json({ issuer: `${issuer}/huge`, introspection_endpoint: `${issuer}/endless` });
      if (request.url === '/endless') {
        // Far past the cap, in chunks, as an issuer gone wrong might stream.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"active":true,"padding":"');
        const chunk = 'x'.repeat(16_384);
        for (let sent = 0; sent < MAX_ANSWER_BYTES * 16; sent += chunk.length) response.write(chunk);
        return void response.end('"}');
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(typeof address === 'object' && address !== null);
    issuer = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    for (const response of hanging) response.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const introspecting = (path: string) =>
    createAccessTokenVerifier({ issuer: `${issuer}${path}`, audience: 'https://api.example/', introspection: { clientId: 'api', clientSecret: 'secret' } });

  // Without the timeout the fetch would wait for undici's 300 s header timeout: the test's own limit catches that.
  it('gives up on an issuer that never answers, as an error rather than a refused token', { timeout: ISSUER_TIMEOUT_MS * 4 }, async () => {
    const failure = await introspecting('/hangs').verify('token').catch((error: unknown) => error);
    assert.ok(failure instanceof Error && !(failure instanceof ResourceServerError), String(failure));
  });

  it('refuses an introspection answer larger than the cap', async () => {
    await assert.rejects(introspecting('/huge').verify('token'), new RegExp(`larger than ${MAX_ANSWER_BYTES} bytes`));
  });
});
