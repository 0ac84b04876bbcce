// The shape of a client definitions file: a `clients` list of mappings whose keys are RFC 7591 names, each of its type.
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ClientMetadataInput } from '../../clients/metadata.js';
import type { ClientFileSource, FileProblem } from './source.js';

/** One item of `clients`, its values typed but not yet held against the registration policy. */
export interface ClientEntry {
  readonly index: number;
  readonly clientId: string | undefined;
  readonly secretEnv: string | undefined;
  readonly input: ClientMetadataInput;
  /** Keys whose value was of the wrong type (already reported), so the policy's view of them is not reported twice. */
  readonly badKeys: ReadonlySet<string>;
  readonly node: YAMLMap;
}

type ValueKind = 'string' | 'strings' | 'boolean' | 'object';
type ClientKey = { readonly kind: ValueKind; readonly input?: keyof ClientMetadataInput };

/** Every key a client may have: RFC 7591 names, as `clients show --json` prints them, plus `client_secret_env`. */
const CLIENT_KEYS: Readonly<Record<string, ClientKey>> = {
  client_id: { kind: 'string' },
  client_secret_env: { kind: 'string' },
  client_name: { kind: 'string', input: 'clientName' },
  client_type: { kind: 'string', input: 'clientType' },
  token_endpoint_auth_method: { kind: 'string', input: 'tokenEndpointAuthMethod' },
  redirect_uris: { kind: 'strings', input: 'redirectUris' },
  post_logout_redirect_uris: { kind: 'strings', input: 'postLogoutRedirectUris' },
  grant_types: { kind: 'strings', input: 'grantTypes' },
  scope: { kind: 'string', input: 'scope' },
  first_party: { kind: 'boolean', input: 'firstParty' },
  id_token_signed_response_alg: { kind: 'string', input: 'idTokenSignedResponseAlg' },
  jwks: { kind: 'object', input: 'jwks' },
  jwks_uri: { kind: 'string', input: 'jwksUri' },
  backchannel_logout_uri: { kind: 'string', input: 'backchannelLogoutUri' },
  require_pushed_authorization_requests: { kind: 'boolean', input: 'requirePushedAuthorizationRequests' },
  dpop_bound_access_tokens: { kind: 'boolean', input: 'dpopBoundAccessTokens' },
};

const EXPECTED: Readonly<Record<ValueKind, string>> = {
  string: 'expected a string',
  strings: 'expected a list of strings',
  boolean: 'expected true or false',
  object: 'expected a mapping (a JWK Set)',
};

/**
 * A conventional variable name (UPPER_SNAKE_CASE, at most 64 characters) with word-like parts: a secret pasted here by
 * mistake fails it (a base64 secret has lower case; a hex one is a single long run), so lint refuses it and nothing
 * ever prints it as a name.
 */
const ENVIRONMENT_VARIABLE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const MAX_VARIABLE_LENGTH = 64;
/** A part longer than this, or with this many digits, looks generated rather than named. */
const MAX_WORD_LENGTH = 20;
const MAX_WORD_DIGITS = 4;
/** The server's own settings (GATEHOUSE_DATABASE_URL, GATEHOUSE_KEYS_ENCRYPTION_SECRET ...) must never become a client secret. */
const SERVER_VARIABLE_PREFIX = 'GATEHOUSE_';

type Report = (node: Node | null | undefined, path: string, message: string) => void;

/** The `clients` entries of the document, reporting every shape problem; an entry that is not a mapping is left out. */
export function readClientEntries(source: ClientFileSource, problems: FileProblem[]): ClientEntry[] {
  const report: Report = (node, path, message) => problems.push({ ...source.position(node), path, message });
  const root = source.document.contents;
  if (!isMap(root)) {
    report(root, '', 'expected a mapping with a "clients" list');
    return [];
  }
  for (const pair of root.items) {
    const key = keyOf(pair);
    if (key !== 'clients') report(pair.key, String(key), 'unknown key (the file has only "clients")');
  }
  const clients = root.get('clients', true);
  if (!isSeq(clients)) {
    report(clients ?? root, 'clients', 'expected a list of clients');
    return [];
  }
  return clients.items.flatMap((item, index) => {
    if (isMap(item)) return [readEntry(item, index, report)];
    report(item as Node, `clients[${index}]`, 'expected a mapping (one client)');
    return [];
  });
}

function readEntry(node: YAMLMap, index: number, report: Report): ClientEntry {
  const input: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  const badKeys = new Set<string>();
  for (const pair of node.items) {
    const key = String(keyOf(pair));
    const path = `clients[${index}].${key}`;
    const spec = CLIENT_KEYS[key];
    if (key === 'client_secret') report(pair.key as Node, path, 'a secret must never be in the file: name an environment variable holding it with client_secret_env');
    else if (spec === undefined) report(pair.key as Node, path, 'unknown key');
    else {
      const value = readValue(pair.value as Node | null, spec.kind, path, report);
      if (value === undefined) badKeys.add(key);
      else if (spec.input === undefined) values[key] = value;
      else input[spec.input] = value;
    }
  }
  const clientId = values.client_id as string | undefined;
  if (clientId === undefined && !badKeys.has('client_id')) report(node, `clients[${index}].client_id`, 'is required: apply matches the client by it');
  const secretEnv = values.client_secret_env as string | undefined;
  const variableProblem = secretEnv === undefined ? undefined : describeInvalidVariable(secretEnv);
  if (variableProblem !== undefined) report(node.get('client_secret_env', true), `clients[${index}].client_secret_env`, variableProblem);
  return { index, clientId, secretEnv, input, badKeys, node };
}

/** Why `client_secret_env` cannot name the variable, without repeating it (it may be a pasted secret). */
function describeInvalidVariable(variable: string): string | undefined {
  const words = variable.split('_');
  const looksNamed = ENVIRONMENT_VARIABLE.test(variable) && variable.length <= MAX_VARIABLE_LENGTH
    && words.every((word) => word.length <= MAX_WORD_LENGTH && word.replace(/[^0-9]/g, '').length < MAX_WORD_DIGITS);
  if (!looksNamed) return `must be the name of an environment variable (UPPER_SNAKE_CASE words, at most ${MAX_VARIABLE_LENGTH} characters), never the secret itself`;
  if (variable.startsWith(SERVER_VARIABLE_PREFIX)) return `must not name one of the server's own ${SERVER_VARIABLE_PREFIX}* settings`;
  return undefined;
}

/** The value when it has the key's type; otherwise reported (each wrong list item at its own path) and undefined. */
function readValue(node: Node | null, kind: ValueKind, path: string, report: Report): unknown {
  if (kind === 'object') return isMap(node) ? node.toJSON() : reportedUndefined(node, path, EXPECTED.object, report);
  if (kind !== 'strings') {
    const value = isScalar(node) ? node.value : undefined;
    return typeof value === (kind === 'string' ? 'string' : 'boolean') ? value : reportedUndefined(node, path, EXPECTED[kind], report);
  }
  if (!isSeq(node)) return reportedUndefined(node, path, EXPECTED.strings, report);
  let valid = true;
  const items = node.items.map((item, index) => {
    if (isScalar(item) && typeof item.value === 'string') return item.value;
    valid = false;
    return reportedUndefined(item as Node, `${path}[${index}]`, EXPECTED.string, report);
  });
  return valid ? items : undefined;
}

function reportedUndefined(node: Node | null | undefined, path: string, message: string, report: Report): undefined {
  report(node, path, message);
  return undefined;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}
