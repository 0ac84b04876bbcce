// Authorization server metadata (RFC 8414, OpenID Connect Discovery): only what registered endpoints contribute.

export type MetadataValue = string | boolean | readonly string[];

/**
 * Endpoints contribute their own metadata as they are registered, so the document can only advertise
 * what exists. Serialised once, after the last contribution.
 */
export class ServerMetadata {
  private readonly fields = new Map<string, MetadataValue>();
  private serialised: string | undefined;

  constructor(readonly issuer: string) {}

  /** Adds fields; a field contributed twice with different values is a wiring mistake. */
  contribute(fields: Readonly<Record<string, MetadataValue>>): void {
    for (const [name, value] of Object.entries(fields)) {
      const existing = this.fields.get(name);
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(value)) {
        throw new Error(`server metadata field ${name} contributed twice with different values`);
      }
      this.fields.set(name, value);
    }
    this.serialised = undefined;
  }

  /** Absolute URL of an endpoint path under the issuer. */
  endpointUrl(path: string): string {
    return `${this.issuer.replace(/\/$/, '')}${path}`;
  }

  toJson(): string {
    this.serialised ??= JSON.stringify({ issuer: this.issuer, ...Object.fromEntries(this.fields) });
    return this.serialised;
  }
}
