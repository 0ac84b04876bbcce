// node-oidc-provider configured as Gatehouse is, for the side-by-side benchmark: ES256 tokens (JWT access tokens
// through resource indicators), refresh token rotation, PKCE required, introspection, client credentials, argon2id
// password checks with @node-rs/argon2 (m=19 MiB, t=2, p=1), its in-memory adapter, and a minimal interaction
// handler of our own (login form, consent form) instead of devInteractions.
// Usage: BENCH_PORT=… BENCH_MATERIAL=material.json node --import tsx bench/servers/oidc-provider.ts
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider, { type InteractionDetails } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import type { Material } from '../material.js';
import { API_RESOURCE, API_SCOPE, REDIRECT_URI } from '../protocol.js';

const ARGON2ID = 2 as Algorithm;
// Its in-memory adapter, as shipped, but with room for every token of a run: the shipped LRU holds about 1,000
// entries, so refresh tokens and the access tokens of S4/S5 would be evicted and answered as invalid.
const storage = new LRU({ maxSize: 10_000_000 });
const CLOCK_TOLERANCE = 15; // the provider's default clockTolerance
const port = Number(process.env.BENCH_PORT);
const material = JSON.parse(readFileSync(process.env.BENCH_MATERIAL ?? '', 'utf8')) as Material;
const issuer = `http://127.0.0.1:${port}`;

const passwordHashes = new Map<string, string>();
for (const person of material.people) {
  passwordHashes.set(person.username, await hash(person.password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }));
}

const signingKey = (alg: 'ES256' | 'RS256') => {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: `${alg}-bench` };
};

const configuration = {
  adapter: (model: string) => new MemoryAdapter(model, storage, CLOCK_TOLERANCE),
  clients: material.clients.map((client) => ({
    client_id: client.clientId,
    client_secret: client.secret,
    grant_types: [...client.grantTypes],
    response_types: client.grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: client.grantTypes.includes('authorization_code') ? [REDIRECT_URI] : [],
    id_token_signed_response_alg: client.idTokenAlg,
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [signingKey('ES256'), signingKey('RS256')] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: (_ctx: unknown, accountId: string) => ({
    accountId,
    claims: () => ({ sub: accountId, name: `Bench ${accountId}`, preferred_username: accountId, updated_at: 0, email: `${accountId}@bench.example`, email_verified: true }),
  }),
  claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'updated_at'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      useGrantedResource: () => false,
      getResourceServerInfo: (_ctx: unknown, resource: string) => {
        if (resource !== API_RESOURCE) throw new Provider.errors.InvalidTarget();
        return { scope: API_SCOPE, audience: API_RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
};

const provider = new Provider(issuer, configuration);
const providerCallback = provider.callback();

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><main>${body}</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

/** GET shows the login or consent form of the interaction; POST …/login checks the password, POST …/confirm grants. */
async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('<p>This sign-in request does not belong to this browser.</p>'));
  if (req.method === 'GET' && action === undefined) {
    if (details.prompt.name === 'login') {
      return send(res, 200, page(`<h1>Sign in</h1><form method="post" action="/interaction/${uid}/login"><label>Username <input name="username" autocomplete="username" required></label><label>Password <input type="password" name="password" autocomplete="current-password" required></label><button type="submit">Sign in</button></form>`));
    }
    const scopes = ((details.prompt.details.missingOIDCScope as string[] | undefined) ?? []).join(', ');
    return send(res, 200, page(`<h1>Allow access?</h1><p>${escapeHtml(String(details.params.client_id))} asks for: ${escapeHtml(scopes)}</p><form method="post" action="/interaction/${uid}/confirm"><button type="submit" name="decision" value="allow">Allow</button></form>`));
  }
  if (req.method !== 'POST') return send(res, 405, page('<p>Method not allowed.</p>'));
  const form = await readForm(req);
  if (action === 'login' && details.prompt.name === 'login') {
    const username = form.get('username') ?? '';
    const stored = passwordHashes.get(username);
    const valid = stored !== undefined && (await verify(stored, form.get('password') ?? ''));
    if (!valid) return send(res, 200, page('<p role="alert">Invalid username or password.</p>'));
    return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm' && details.prompt.name === 'consent') {
    return provider.interactionFinished(req, res, { consent: { grantId: await grantConsent(details) } }, { mergeWithLastSubmission: true });
  }
  return send(res, 400, page('<p>Unexpected step.</p>'));
}

/** Grants what the consent prompt says is missing: OpenID Connect scopes, claims, and scopes at requested resources. */
async function grantConsent(details: InteractionDetails): Promise<string> {
  const { prompt, params, session, grantId } = details;
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session?.accountId ?? '', clientId: String(params.client_id) });
  if (!grant) throw new Error('grant vanished');
  const missing = prompt.details;
  if (Array.isArray(missing.missingOIDCScope)) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (Array.isArray(missing.missingOIDCClaims)) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  for (const [resource, scopes] of Object.entries((missing.missingResourceScopes ?? {}) as Record<string, string[]>)) grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

const server = createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec((req.url ?? '').split('?')[0] ?? '');
  if (!match) return void providerCallback(req, res);
  interaction(req, res, match[1] ?? '', match[2]).catch((error: unknown) => {
    if (!res.headersSent) send(res, 400, page(`<p>${error instanceof Error ? error.name : 'error'}</p>`));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`node-oidc-provider listening at ${issuer}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
