// Which browser origins may call the token, pushed authorization request, revocation, userinfo, discovery and JWKS endpoints cross-origin: the origins of the
// registered redirect URIs of public clients, read from the store through a short cache.
import type { ClientRecord } from '../store/records.js';
import { ReadThroughCache } from '../store/read-through-cache.js';
import type { ClientRepository } from '../store/store.js';

/**
 * The origin (RFC 6454 §4: scheme://host[:port]) of a redirect URI a browser application runs at, or undefined for
 * a URI whose origin a browser never sends (a private-use scheme such as `com.example.app:/cb` has an opaque origin).
 */
export function browserOriginOf(redirectUri: string): string | undefined {
  if (!URL.canParse(redirectUri)) return undefined;
  const url = new URL(redirectUri);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
}

/**
 * Only public clients (token_endpoint_auth_method `none`) run in a browser; a confidential client keeps its secret on
 * a server, so its redirect URIs never open the endpoints to a page's scripts.
 */
export function allowedOriginsOf(clients: readonly ClientRecord[]): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const client of clients) {
    if (client.tokenEndpointAuthMethod !== 'none') continue;
    for (const uri of client.redirectUris) {
      const origin = browserOriginOf(uri);
      if (origin !== undefined) origins.add(origin);
    }
  }
  return origins;
}

/**
 * The allowed origins, recomputed from the client list at most once per `ttlMs`, so a client created, changed or
 * deleted by the CLI or another instance is seen within that time (the same TTL as the client lookup cache).
 */
export class AllowedOrigins {
  private readonly cache: ReadThroughCache<ReadonlySet<string>>;

  constructor(clients: Pick<ClientRepository, 'list'>, ttlMs: number, clockMs: () => number = Date.now) {
    // One entry: the whole client list, read again at most once per TTL, concurrent requests sharing the read.
    this.cache = new ReadThroughCache(async () => allowedOriginsOf(await clients.list()), ttlMs, clockMs);
  }

  /** Whether `origin`, the request's Origin header exactly as sent, is one a public client's page is served from. */
  async allows(origin: string): Promise<boolean> {
    return (await this.cache.get('')).has(origin);
  }
}
