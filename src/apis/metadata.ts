// API metadata policy: what a registered API (resource server) may be recorded with.
import { ACCESS_TOKEN_TTL_BOUNDS } from '../config/sections/tokens.js';
import { isResourceIndicator } from '../protocol/resource-indicators.js';
import { SCOPE_TOKEN } from '../protocol/scope.js';
import type { ApiRecord, ApiScope } from '../store/records.js';
import { InvalidApiMetadata } from './errors.js';

/** Metadata as an operator gives it; every field optional until validated. */
export interface ApiMetadataInput {
  readonly identifier?: string | undefined;
  readonly name?: string | undefined;
  /** `name` or `name=description`, one scope each. */
  readonly scopes?: readonly string[] | undefined;
  /** Seconds, or null for the configured default. */
  readonly accessTokenTtl?: number | null | undefined;
  readonly resourceServerClientIds?: readonly string[] | undefined;
}

export type ApiMetadata = Pick<ApiRecord, 'identifier' | 'name' | 'scopes' | 'accessTokenTtl' | 'resourceServerClientIds'>;

const MAX_IDENTIFIER_LENGTH = 2048;
const MAX_TEXT_LENGTH = 200;
/** An API's own token lifetime replaces `tokens.accessTokenTtl`, within the same bounds. */
export const API_TOKEN_TTL = ACCESS_TOKEN_TTL_BOUNDS;
/** Scopes that mean the user's OpenID Connect identity at userinfo; an API defining one would make them ambiguous. */
const OPENID_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/**
 * Validates metadata. `issuer` is refused as an identifier: tokens for it are userinfo tokens.
 * @throws InvalidApiMetadata naming the first field that breaks the policy.
 */
export function validateApiMetadata(input: ApiMetadataInput, issuer: string): ApiMetadata {
  return {
    identifier: checkIdentifier(input.identifier, issuer),
    name: checkText('name', input.name, 'a name is required'),
    scopes: checkScopes(input.scopes ?? []),
    accessTokenTtl: checkTtl(input.accessTokenTtl ?? null),
    resourceServerClientIds: [...new Set(input.resourceServerClientIds ?? [])],
  };
}

function checkIdentifier(identifier: string | undefined, issuer: string): string {
  if (identifier === undefined || identifier === '') throw new InvalidApiMetadata('identifier', 'an identifier is required');
  // RFC 8707 §2: the resource value is an absolute URI without a fragment.
  // Printable ASCII only: no space, so consent can record `<identifier>#<scope>` in a scope string.
  if (identifier.length > MAX_IDENTIFIER_LENGTH || !/^[\x21-\x7e]+$/.test(identifier) || !isResourceIndicator(identifier)) {
    throw new InvalidApiMetadata('identifier', `must be an absolute URI without a fragment (RFC 8707 §2), in printable ASCII, got ${JSON.stringify(identifier)}`);
  }
  if (identifier === issuer) throw new InvalidApiMetadata('identifier', 'must not be the issuer: tokens for the issuer are for userinfo');
  return identifier;
}

function checkText(field: string, value: string | undefined, missing: string): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw new InvalidApiMetadata(field, missing);
  if (trimmed.length > MAX_TEXT_LENGTH) throw new InvalidApiMetadata(field, `must be at most ${MAX_TEXT_LENGTH} characters`);
  // Shown on the consent page; control characters could disguise it.
  if (/\p{Cc}/u.test(trimmed)) throw new InvalidApiMetadata(field, 'must not contain control characters');
  return trimmed;
}

/** `read:invoices=Read your invoices` -> { name, description }; without `=`, the name describes itself. */
function parseApiScope(text: string): ApiScope {
  const separator = text.indexOf('=');
  const name = (separator === -1 ? text : text.slice(0, separator)).trim();
  // RFC 6749 §3.3: a scope is a scope-token.
  if (!SCOPE_TOKEN.test(name)) throw new InvalidApiMetadata('scopes', `${JSON.stringify(name)} is not a valid scope token (RFC 6749 §3.3)`);
  if (OPENID_SCOPES.has(name)) throw new InvalidApiMetadata('scopes', `"${name}" is an OpenID Connect scope, not an API's`);
  const description = separator === -1 ? name : checkText('scopes', text.slice(separator + 1), `the description of "${name}" is empty`);
  return { name, description };
}

function checkScopes(texts: readonly string[]): readonly ApiScope[] {
  const scopes = texts.map(parseApiScope);
  const names = scopes.map((scope) => scope.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new InvalidApiMetadata('scopes', `"${repeated}" is defined twice`);
  return scopes;
}

function checkTtl(ttl: number | null): number | null {
  if (ttl === null) return null;
  if (!Number.isInteger(ttl) || ttl < API_TOKEN_TTL.min || ttl > API_TOKEN_TTL.max) {
    throw new InvalidApiMetadata('access_token_ttl', `expected seconds ${API_TOKEN_TTL.min}-${API_TOKEN_TTL.max}, got ${String(ttl)}`);
  }
  return ttl;
}
