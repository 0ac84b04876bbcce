// A scripted OpenID provider for the probe's flow tests: correct by default, each knob breaking one thing the probe checks.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { freePort } from '../support/server.js';

export const FAKE_PASSWORD = 'fake password 123';
export const FAKE_CLIENT_ID = 'fake-client';
export const FAKE_REDIRECT_URI = 'http://127.0.0.1/fake-callback';

export interface Knobs {
  /** Claims merged over the ID token's. */
  idTokenClaims?: Record<string, unknown>;
  /** Parameters merged over the authorization response's (undefined removes one). */
  response?: Record<string, string | undefined>;
  /** Markup of the login page (default: a correct form). */
  loginPage?: string;
  /** Markup of the consent page (default: a correct form). */
  consentPage?: string;
  tokenType?: string;
  /** Leave the refresh token out of the code exchange. */
  withoutRefreshToken?: boolean;
  /** Answer a refresh with the same refresh token. */
  withoutRotation?: boolean;
  /** Accept a revoked refresh token anyway. */
  ignoreRevocation?: boolean;
  userinfoSub?: string;
  /** Where POST /login redirects (default /consent). */
  afterLogin?: string;
  /** Fixed answers by route ("POST /revoke"), given instead of the correct ones. */
  answers?: Record<string, Answer>;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string };

export const page = (body: string, status = 200): Answer => ({ status, headers: { 'content-type': 'text/html' }, body });
export const json = (status: number, body: unknown): Answer => ({ status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) });
const redirect = (location: string): Answer => ({ status: 303, headers: { location } });

export const LOGIN_PAGE = `<form method="post" action="/login"><input type="hidden" name="csrf_token" value="c&amp;1">
<input name="username" type="text"><input name="password" type="password"><button type="submit">Sign in</button></form>`;
const CONSENT_PAGE = `<form method="post" action="/consent"><input type="hidden" name="csrf_token" value="c2">
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>`;

export class FakeIssuer {
  knobs: Knobs = {};
  private server!: Server;
  private key!: { privateKey: CryptoKey; jwk: JWK };
  private request = new URLSearchParams();
  private readonly revoked = new Set<string>();
  private issued = 0;
  url = '';

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } };
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const answer = await this.answer(`${request.method} ${url.pathname}`, url.searchParams, new URLSearchParams(body), request.headers.cookie ?? '');
    response.writeHead(answer.status, answer.headers).end(answer.body);
  }

  private async answer(route: string, query: URLSearchParams, form: URLSearchParams, cookie: string): Promise<Answer> {
    const knobs = this.knobs;
    const fixed = knobs.answers?.[route];
    if (fixed !== undefined) return fixed;
    switch (route) {
      case 'GET /.well-known/openid-configuration':
        return json(200, {
          issuer: this.url, authorization_endpoint: `${this.url}/authorize`, token_endpoint: `${this.url}/token`, jwks_uri: `${this.url}/jwks`,
          userinfo_endpoint: `${this.url}/userinfo`, revocation_endpoint: `${this.url}/revoke`, response_types_supported: ['code'],
          subject_types_supported: ['public'], code_challenge_methods_supported: ['S256'], id_token_signing_alg_values_supported: ['RS256'],
          authorization_response_iss_parameter_supported: true,
        });
      case 'GET /authorize':
        this.request = query;
        return { status: 303, headers: { location: '/login', 'set-cookie': 'fake_session=s1; Path=/; HttpOnly' } };
      case 'GET /login':
        return page(knobs.loginPage ?? LOGIN_PAGE);
      case 'POST /login': {
        const accepted = form.get('password') === FAKE_PASSWORD && form.get('csrf_token') === 'c&1' && cookie.includes('fake_session=s1');
        return accepted ? redirect(knobs.afterLogin ?? '/consent') : page(`<p role="alert">Invalid username or password.</p>${LOGIN_PAGE}`);
      }
      case 'GET /consent':
        return page(knobs.consentPage ?? CONSENT_PAGE);
      case 'POST /consent':
        return form.get('decision') === 'allow' && form.get('csrf_token') === 'c2' ? redirect(this.callback()) : page('<p>wrong form</p>');
      case 'POST /token':
        return this.token(form);
      case 'GET /jwks':
        return json(200, { keys: [this.key.jwk] });
      case 'GET /loop':
        return redirect('/loop');
      case 'GET /userinfo':
        return json(200, { sub: knobs.userinfoSub ?? 'user-1' });
      case 'POST /revoke':
        this.revoked.add(form.get('token') ?? '');
        return { status: 200 };
      default:
        return { status: 404 };
    }
  }

  private callback(): string {
    const target = new URL(this.request.get('redirect_uri') ?? FAKE_REDIRECT_URI);
    const parameters = { code: 'the-code', state: this.request.get('state') ?? '', iss: this.url, ...this.knobs.response };
    for (const [name, value] of Object.entries(parameters)) if (value !== undefined) target.searchParams.set(name, value);
    return target.href;
  }

  private async token(form: URLSearchParams): Promise<Answer> {
    const knobs = this.knobs;
    const tokens = { access_token: 'an-access-token', token_type: knobs.tokenType ?? 'Bearer', expires_in: 600 };
    if (form.get('grant_type') === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      if (this.revoked.has(presented) && !knobs.ignoreRevocation) return json(400, { error: 'invalid_grant' });
      return json(200, { ...tokens, refresh_token: knobs.withoutRotation ? presented : `refresh-${(this.issued += 1)}` });
    }
    const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
    if (form.get('code') !== 'the-code' || challenge !== this.request.get('code_challenge')) return json(400, { error: 'invalid_grant' });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: this.url, sub: 'user-1', aud: FAKE_CLIENT_ID, nonce: this.request.get('nonce'), iat: now, exp: now + 300, ...knobs.idTokenClaims };
    const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' }).sign(this.key.privateKey);
    return json(200, { ...tokens, id_token: idToken, ...(knobs.withoutRefreshToken ? {} : { refresh_token: 'refresh-0' }) });
  }
}
