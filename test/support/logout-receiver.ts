// A relying party's back-channel logout endpoint on loopback: records every logout token POSTed to it, and can be
// told to fail (500), to hang, or to take its time; tokens are verified with jose against Gatehouse's JWKS.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export type ReceiverMode = 'ok' | 'error' | 'hang';

export interface LogoutReceiver {
  /** The URL to register as `backchannel_logout_uri`. */
  readonly url: string;
  /** Every logout token received, in order, whatever the answer was. */
  readonly received: string[];
  /** Tokens received while answering 200. */
  readonly accepted: string[];
  mode: ReceiverMode;
  /** Milliseconds to wait before answering (in `ok` and `error` modes). */
  delay: number;
  close(): Promise<void>;
}

/** Listens on `port` (0: any free one) on 127.0.0.1. */
export async function startLogoutReceiver(port = 0): Promise<LogoutReceiver> {
  const hanging: ServerResponse[] = [];
  const receiver = { received: [] as string[], accepted: [] as string[], mode: 'ok' as ReceiverMode, delay: 0 };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('logout_token') ?? '';
    receiver.received.push(token);
    if (receiver.mode === 'hang') return void hanging.push(response);
    await new Promise((resolve) => setTimeout(resolve, receiver.delay));
    if (receiver.mode === 'ok') receiver.accepted.push(token);
    // Back-Channel Logout §2.8: 200 on success, 400 or another error otherwise; no-store either way.
    response.writeHead(receiver.mode === 'ok' ? 200 : 500, { 'cache-control': 'no-store' }).end();
  };
  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${address.port}/backchannel-logout`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * Validates a logout token as Back-Channel Logout §2.6 tells a relying party to: signature against the JWKS, `iss`,
 * `aud`, `iat`, `typ` logout+jwt, the back-channel logout event, `sid` and `sub`, and no `nonce`.
 */
export async function verifyLogoutToken(token: string, issuer: string, clientId: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience: clientId,
    typ: 'logout+jwt',
    algorithms: ['RS256'],
    requiredClaims: ['iat', 'exp', 'jti', 'sub', 'sid', 'events'],
  });
  assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
  assert.equal(payload.nonce, undefined, '§2.4: a logout token never carries a nonce');
  return payload;
}

/** Waits until `condition` holds, polling; fails with `what` after `attempts` polls. Never asserts a duration. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, attempts = 400): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`gave up waiting until ${what}`);
}
