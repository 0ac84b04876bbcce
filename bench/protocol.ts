// The OAuth and OpenID Connect requests of the scenarios, as a relying party and a person's browser send them.
// One implementation for every target; only the endpoint paths differ (read from each server's discovery document).
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, LoopbackHttp } from './http.js';

export const REDIRECT_URI = 'https://app.bench.example/callback';
export const API_RESOURCE = 'https://api.bench.example/';
export const API_SCOPE = 'bench:read';

export interface Endpoints {
  readonly authorization: string;
  readonly token: string;
  readonly introspection: string;
  readonly userinfo: string;
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly secret: string;
}

export interface TokenSet {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
}

export interface AuthorizationRequest {
  readonly client: ClientCredentials;
  readonly scope: string;
  readonly resource?: string;
  readonly prompt?: 'none' | 'consent';
}

export interface Person {
  readonly username: string;
  readonly password: string;
}

interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function basic(client: ClientCredentials): Record<string, string> {
  const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** The first POST form of a page: its action and hidden fields, and whether it asks for a password or a decision. */
function readForm(page: string): { action: string; fields: Record<string, string>; password: boolean; decision: boolean } {
  const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error('expected a page with a form');
  const action = /action="([^"]*)"/i.exec(form[0])?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[1]?.matchAll(/<input[^>]*type="hidden"[^>]*>/gi) ?? []) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name !== undefined) fields[name] = decodeEntities(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  return { action: decodeEntities(action), fields, password: /name="password"/.test(form[1] ?? ''), decision: /name="decision"/.test(form[1] ?? '') };
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** What went wrong, in a line: a page's title, or the start of a JSON error. */
function summary(answer: { status: number; body: string }): string {
  const title = /<title>([^<]*)<\/title>/i.exec(answer.body)?.[1];
  return `HTTP ${answer.status} ${title ?? answer.body.slice(0, 200)}`;
}

function expectJson<T>(answer: { status: number; body: string }, what: string): T {
  if (answer.status !== 200) throw new Error(`${what}: ${summary(answer)}`);
  return JSON.parse(answer.body) as T;
}

export class Protocol {
  constructor(
    private readonly http: LoopbackHttp,
    readonly endpoints: Endpoints,
  ) {}

  private authorizationPath(request: AuthorizationRequest, pkce: Pkce): string {
    const query = new URLSearchParams({
      response_type: 'code', client_id: request.client.clientId, redirect_uri: REDIRECT_URI, scope: request.scope,
      state: randomBytes(8).toString('base64url'), nonce: randomBytes(8).toString('base64url'),
      code_challenge: pkce.challenge, code_challenge_method: 'S256',
    });
    if (request.resource) query.set('resource', request.resource);
    if (request.prompt) query.set('prompt', request.prompt);
    return `${this.endpoints.authorization}?${query.toString()}`;
  }

  /**
   * The browser's side of an authorization request: follows the server's redirects, signs in on a login form, allows
   * on a consent page, until the redirect to the client; then the client's code exchange. `person` undefined: the
   * browser must already have a session and consent (prompt=none).
   */
  async authorize(browser: Browser, request: AuthorizationRequest, person?: Person): Promise<TokenSet> {
    const pkce = pkcePair();
    let answer = await browser.get(this.authorizationPath(request, pkce));
    for (let step = 0; step < 12; step += 1) {
      const location = answer.location;
      if (answer.status >= 300 && answer.status < 400 && location !== undefined) {
        if (location.startsWith(REDIRECT_URI)) return this.exchange(request, new URL(location), pkce.verifier);
        const url = new URL(location, this.http.origin);
        answer = await browser.get(`${url.pathname}${url.search}`);
        continue;
      }
      if (answer.status !== 200 || person === undefined) throw new Error(`authorization: ${summary(answer)}`);
      const form = readForm(answer.body);
      const fields = { ...form.fields };
      if (form.password) Object.assign(fields, { username: person.username, password: person.password });
      if (form.decision) fields.decision = 'allow';
      answer = await browser.postForm(new URL(form.action, this.http.origin).pathname, fields);
    }
    throw new Error('authorization: too many steps');
  }

  private async exchange(request: AuthorizationRequest, callback: URL, verifier: string): Promise<TokenSet> {
    const code = callback.searchParams.get('code');
    if (code === null) throw new Error(`authorization refused: ${callback.searchParams.get('error')} ${callback.searchParams.get('error_description')}`);
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
    if (request.resource) form.resource = request.resource;
    return this.token(request.client, form, 'code exchange');
  }

  refresh(client: ClientCredentials, refreshToken: string, resource?: string): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
    if (resource) form.resource = resource;
    return this.token(client, form, 'refresh');
  }

  clientCredentials(client: ClientCredentials): Promise<TokenSet> {
    return this.token(client, { grant_type: 'client_credentials', resource: API_RESOURCE, scope: API_SCOPE }, 'client credentials');
  }

  private async token(client: ClientCredentials, form: Record<string, string>, what: string): Promise<TokenSet> {
    const tokens = expectJson<TokenSet>(await this.http.send('POST', this.endpoints.token, { headers: basic(client), form }), what);
    if (typeof tokens.access_token !== 'string') throw new Error(`${what}: no access token`);
    return tokens;
  }

  async introspect(client: ClientCredentials, token: string): Promise<void> {
    const answer = expectJson<{ active?: boolean }>(await this.http.send('POST', this.endpoints.introspection, { headers: basic(client), form: { token } }), 'introspection');
    if (answer.active !== true) throw new Error('introspection: token not active');
  }

  async userinfo(accessToken: string): Promise<void> {
    const claims = expectJson<{ sub?: string }>(await this.http.send('GET', this.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } }), 'userinfo');
    if (typeof claims.sub !== 'string') throw new Error('userinfo: no sub');
  }
}

/** Reads the endpoint paths from the server's discovery document (OpenID Connect Discovery 1.0 §3). */
export async function discoverEndpoints(http: LoopbackHttp): Promise<Endpoints> {
  const metadata = expectJson<Record<string, string>>(await http.send('GET', '/.well-known/openid-configuration'), 'discovery');
  const path = (key: string): string => {
    const value = metadata[key];
    if (value === undefined) throw new Error(`discovery lacks ${key}`);
    return new URL(value).pathname;
  };
  return {
    authorization: path('authorization_endpoint'), token: path('token_endpoint'),
    introspection: path('introspection_endpoint'), userinfo: path('userinfo_endpoint'),
  };
}
