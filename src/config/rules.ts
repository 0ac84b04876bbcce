// Cross-field rules: settings that contradict each other, and what production mode (anything but --dev) refuses to run with.
import type { Config } from './schema.js';

export interface RuleProblem {
  readonly path: string;
  readonly message: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Rules between the signing key settings; they hold in dev mode too. */
export function checkKeyRules(keys: Config['keys']): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const listed = JSON.stringify(keys.algorithms);
  // OpenID Connect Discovery §3: id_token_signing_alg_values_supported must include RS256.
  if (!keys.algorithms.includes('RS256')) {
    problems.push({ path: 'keys.algorithms', message: `must include RS256, which OpenID Connect requires for ID tokens, got ${listed}` });
  }
  const repeated = keys.algorithms.find((alg, index) => keys.algorithms.indexOf(alg) !== index);
  if (repeated !== undefined) problems.push({ path: 'keys.algorithms', message: `lists ${repeated} more than once, got ${listed}` });
  // Access tokens are signed with a key the ring keeps, so their algorithm must be one it keeps keys for.
  if (!keys.algorithms.includes(keys.accessTokenAlgorithm)) {
    problems.push({
      path: 'keys.accessTokenAlgorithm',
      message: `${keys.accessTokenAlgorithm} must be one of keys.algorithms ${listed}: add it there or choose one of those`,
    });
  }
  return problems;
}

/**
 * Problems of a parsed configuration that no single field shows. `whereToSet(path)` says how the operator sets a
 * missing value ("set GATEHOUSE_ISSUER or `issuer` in gatehouse.config.json").
 */
export function checkProductionRules(config: Config, whereToSet: (path: string) => string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (config.issuer === '') {
    problems.push({ path: 'issuer', message: `required outside dev mode: ${whereToSet('issuer')}, or run with --dev` });
  } else {
    problems.push(...checkIssuer(config));
  }
  if (config.dev) return problems;
  if (config.keys.encryptionSecret === undefined) {
    problems.push({ path: 'keys.encryptionSecret', message: `required in production: ${whereToSet('keys.encryptionSecret')} to at least 32 random characters` });
  }
  if (config.seedDemo) {
    problems.push({ path: 'seedDemo', message: 'the demo user and client are refused in production' });
  }
  return problems;
}

/**
 * The security webhook: a secret to sign with, and https, with http only to a loopback host while the issuer itself
 * is http (local development), as for a client's jwks_uri.
 */
export function checkSecurityWebhookRules(config: Config, whereToSet: (path: string) => string): RuleProblem[] {
  const { url, secret } = config.securityWebhook;
  if (url === undefined) return [];
  const problems: RuleProblem[] = [];
  if (secret === undefined) {
    problems.push({ path: 'securityWebhook.secret', message: `required when securityWebhook.url is set: ${whereToSet('securityWebhook.secret')} to at least 32 random characters` });
  }
  const target = new URL(url);
  const loopbackHttp = target.protocol === 'http:' && isLoopbackHost(target.hostname) && config.issuer.startsWith('http:');
  if (target.protocol !== 'https:' && !loopbackHttp) {
    problems.push({ path: 'securityWebhook.url', message: 'must be https (http only to a loopback host while the issuer is http)' });
  }
  // fetch refuses a URL with credentials: every delivery would fail.
  if (target.username !== '' || target.password !== '') {
    problems.push({ path: 'securityWebhook.url', message: 'must not carry a user name or password; authenticate the receiver by the signature' });
  }
  return problems;
}

/**
 * Outside dev mode a metrics listener reachable beyond this host needs metrics.bearerToken, unless the operator says
 * the address is private (metrics.listenWithoutToken): an open 0.0.0.0:9464 shows every client's traffic to anyone.
 */
export function checkMetricsRules(config: Config, whereToSet: (path: string) => string): RuleProblem[] {
  const { listen, bearerToken, listenWithoutToken } = config.metrics;
  if (config.dev || listen === undefined || bearerToken !== undefined || listenWithoutToken) return [];
  if (isLoopbackHost(listen.replace(/:\d+$/, ''))) return [];
  return [{
    path: 'metrics.listen',
    message: `a listener beyond loopback needs metrics.bearerToken: ${whereToSet('metrics.bearerToken')}, or set metrics.listenWithoutToken=true if only the scraper can reach this address`,
  }];
}

function checkIssuer(config: Config): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const issuer = new URL(config.issuer);
  // RFC 8414 §2: the issuer has no query or fragment.
  if (issuer.search !== '' || issuer.hash !== '' || config.issuer.includes('?') || config.issuer.includes('#')) {
    problems.push({ path: 'issuer', message: 'expected an issuer URL without query or fragment' });
  }
  // RFC 9700 §4.1: outside loopback the issuer must be https.
  if (!config.dev && issuer.protocol === 'http:' && !isLoopbackHost(issuer.hostname)) {
    problems.push({ path: 'issuer', message: `http is refused for a non-loopback issuer in production, got "${config.issuer}"` });
  }
  return problems;
}
