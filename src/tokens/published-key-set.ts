// The published JWKS as a jose key set for verifying Gatehouse's own ID tokens, rebuilt only when the document changes.
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';

/** What a verifier needs of the key ring: the JWKS body it publishes, serialised once per change. */
export interface PublishedKeys {
  jwksJson(): string;
}

export interface VerificationKeys {
  readonly keys: ReturnType<typeof createLocalJWKSet>;
  /** Only the algorithms the ring publishes: never `none`, never one a key was not made for. */
  readonly algorithms: readonly string[];
}

/** The algorithms a JWKS document's keys are for, each once. */
export function publishedAlgorithms(jwks: { readonly keys: readonly { readonly alg?: unknown }[] }): string[] {
  return [...new Set(jwks.keys.map((key) => key.alg).filter((alg): alg is string => typeof alg === 'string'))];
}

export class PublishedKeySet {
  private body: string | undefined;
  private current: VerificationKeys | undefined;

  constructor(private readonly published: PublishedKeys) {}

  keys(): VerificationKeys {
    const body = this.published.jwksJson();
    if (this.current === undefined || this.body !== body) {
      const jwks = JSON.parse(body) as JSONWebKeySet;
      this.current = { keys: createLocalJWKSet(jwks), algorithms: publishedAlgorithms(jwks) };
      this.body = body;
    }
    return this.current;
  }
}
