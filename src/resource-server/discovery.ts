// The issuer's authorization server metadata (RFC 8414), fetched once and shared, for the JWKS and introspection URLs.
import { fetchJson } from './fetch-json.js';

export interface IssuerMetadata {
  readonly jwks_uri?: string;
  readonly introspection_endpoint?: string;
}

/** Fetches `/.well-known/oauth-authorization-server` once; a failed fetch is retried on the next call. */
export function issuerMetadataLoader(issuer: string): () => Promise<IssuerMetadata> {
  let loading: Promise<IssuerMetadata> | undefined;
  return () => {
    loading ??= fetchMetadata(issuer).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

async function fetchMetadata(issuer: string): Promise<IssuerMetadata> {
  // RFC 8414 §3: the well-known path is inserted between the host and the issuer's path.
  const url = new URL(issuer);
  url.pathname = `/.well-known/oauth-authorization-server${url.pathname.replace(/\/$/, '')}`;
  const answer = await fetchJson(url, { headers: { accept: 'application/json' } });
  if (typeof answer !== 'object' || answer === null) throw new Error(`authorization server metadata at ${url.href} is not a JSON object`);
  const metadata = answer as Record<string, unknown>;
  // RFC 8414 §3.3: the metadata must name the issuer it was fetched for, byte for byte.
  if (metadata.issuer !== issuer) throw new Error(`authorization server metadata at ${url.href} names another issuer`);
  const text = (name: string) => {
    const value = metadata[name];
    return typeof value === 'string' ? value : undefined;
  };
  return { jwks_uri: text('jwks_uri'), introspection_endpoint: text('introspection_endpoint') };
}
