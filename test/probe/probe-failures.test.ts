// `gatehouse probe` against issuers that are not there, hang, or answer wrongly, and with flags it must refuse:
// each ends with the failed step (or the flag) named in one line and the documented exit code.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertOneLineFailure } from '../cli/run-cli.js';
import { freePort } from '../support/server.js';
import { assertFailedAt, runProbeCommand, stepLines } from './run-probe.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let folder: string;
let issuer: string;
let server: Server;
/** What the fake issuer does per path; a path without a handler never answers (a hung issuer). */
let routes: Record<string, Handler> = {};

function discoveryDocument(overrides: Record<string, unknown> = {}): Handler {
  return (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/userinfo`,
      revocation_endpoint: `${issuer}/revoke`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      ...overrides,
    }));
  };
}

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gatehouse-probe-failures-'));
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  server = createServer((request, response) => routes[new URL(request.url ?? '/', issuer).pathname]?.(request, response));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(folder, { recursive: true, force: true });
});

const probe = (args: readonly string[] = [], target = issuer) =>
  runProbeCommand({ args: ['--issuer', target, '--client-id', 'probe', '--redirect-uri', 'http://127.0.0.1/cb', '--username', 'probe', ...args], password: 'pw', cwd: folder });

describe('gatehouse probe against a broken issuer', () => {
  it('fails at discovery with exit 3 when nothing listens at the issuer', async () => {
    const result = await probe([], `http://127.0.0.1:${await freePort()}`);
    assertFailedAt(result, 'discovery', 3, /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('fails at the step that hangs once its timeout runs out, with exit 3', async () => {
    routes = { '/.well-known/openid-configuration': discoveryDocument() };
    const result = await probe(['--timeout', '1']);
    assertFailedAt(result, 'authorize', 3, /no answer within 1 s \(--timeout\)/);
    assert.equal(stepLines(result.stdout).get('discovery'), 'ok');
  });

  it('fails at discovery when the document names another issuer or lacks what the flow needs', async () => {
    routes = { '/.well-known/openid-configuration': discoveryDocument({ issuer: 'https://elsewhere.example' }) };
    assertFailedAt(await probe(), 'discovery', 1, /discovery names another issuer than --issuer/);
    routes = { '/.well-known/openid-configuration': discoveryDocument({ code_challenge_methods_supported: ['plain'] }) };
    assertFailedAt(await probe(), 'discovery', 1, /code_challenge_methods_supported lacks "S256"/);
  });

  it('fails at authorize when the login form carries no anti-CSRF field, before any password is sent', async () => {
    let posted = false;
    routes = {
      '/.well-known/openid-configuration': discoveryDocument(),
      '/authorize': (request, response) => {
        if (request.method === 'POST') posted = true;
        response.setHeader('content-type', 'text/html');
        response.end('<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>');
      },
    };
    assertFailedAt(await probe(), 'authorize', 1, /the login form has no anti-CSRF field/);
    assert.equal(posted, false);
  });
});

describe('gatehouse probe refuses', () => {
  it('a password or client secret on the command line, without repeating it', async () => {
    const password = await probe(['--password', 'hunter2-in-argv']);
    assertOneLineFailure(password, 2, /--password is refused: .*GATEHOUSE_PROBE_PASSWORD or pipe it with --password-stdin/);
    assert.doesNotMatch(password.stderr, /hunter2/);
    assertOneLineFailure(await probe(['--client-secret=s3cr3t-in-argv']), 2, /--client-secret is refused: .*GATEHOUSE_PROBE_CLIENT_SECRET$/m);
  });

  it('a run without a password, a textfile the collector would not read, and a bad timeout', async () => {
    const withoutPassword = await runProbeCommand({ args: ['--issuer', issuer, '--client-id', 'c', '--redirect-uri', 'http://127.0.0.1/cb', '--username', 'u'], cwd: folder });
    assertOneLineFailure(withoutPassword, 2, /no password for the test account: set GATEHOUSE_PROBE_PASSWORD or pipe it with --password-stdin/);
    assertOneLineFailure(await probe(['--prometheus-textfile', join(folder, 'probe.txt')]), 2, /must end in \.prom/);
    assertOneLineFailure(await probe(['--prometheus-textfile', join(folder, 'missing', 'probe.prom')]), 2, /is not a folder this user can write to/);
    assertOneLineFailure(await probe(['--timeout', '0']), 2, /--timeout: expected seconds/);
  });

  it('a client authentication that does not fit the secret given, and a run without an issuer', async () => {
    assertOneLineFailure(await probe(['--token-endpoint-auth-method', 'client_secret_post']), 2, /client_secret_post needs the client secret in GATEHOUSE_PROBE_CLIENT_SECRET/);
    assertOneLineFailure(await probe(['--token-endpoint-auth-method', 'private_key_jwt']), 2, /expected client_secret_basic, client_secret_post, none/);
    const publicWithSecret = await runProbeCommand({ args: ['--issuer', issuer, '--client-id', 'c', '--redirect-uri', 'http://127.0.0.1/cb', '--username', 'u', '--token-endpoint-auth-method', 'none'], password: 'pw', clientSecret: 's', cwd: folder });
    assertOneLineFailure(publicWithSecret, 2, /a public client \(none\) takes no secret: unset GATEHOUSE_PROBE_CLIENT_SECRET/);
    assertOneLineFailure(await runProbeCommand({ args: ['--client-id', 'c'], password: 'pw', cwd: folder }), 2, /probe needs --issuer \(or --dev against serve --dev\)/);
  });
});
