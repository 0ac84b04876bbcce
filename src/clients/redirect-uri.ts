// Redirect URI policy: which URIs a client may register, and how a requested URI is matched against them.
import type { ClientRecord } from '../store/records.js';

export type RedirectUriCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Long enough for any real callback, short enough to stay well inside request parameter limits. */
const MAX_REDIRECT_URI_LENGTH = 2048;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Schemes that run code, read local files or leave the app; never a redirect target. */
const DANGEROUS_SCHEMES: ReadonlySet<string> = new Set([
  'javascript', 'data', 'file', 'vbscript', 'about', 'blob', 'filesystem', 'view-source', 'ftp', 'ws', 'wss', 'mailto', 'tel', 'sms',
]);

// RFC 3986 §3.1 scheme syntax, with at least one dot (RFC 8252 §7.1: reverse domain name, e.g. com.example.app).
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9][a-z0-9+-]*)+$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

const refuse = (reason: string): RedirectUriCheck => ({ ok: false, reason });

/**
 * Registration policy (RFC 9700 §2.1, RFC 8252 §7): an absolute URI without fragment, wildcard or userinfo;
 * https, or http on a loopback host, or a reverse-domain private-use scheme for native apps.
 */
export function validateRedirectUri(uri: string): RedirectUriCheck {
  if (uri.length === 0) return refuse('redirect URI must not be empty');
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return refuse(`redirect URI must be at most ${MAX_REDIRECT_URI_LENGTH} characters`);
  // WHATWG parsing silently drops some of these, so the stored bytes would differ from where a browser goes.
  if (/[\s\p{Cc}]/u.test(uri)) return refuse('redirect URI must not contain whitespace or control characters');
  if (uri.includes('\\')) return refuse('redirect URI must not contain a backslash');
  // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment component.
  if (uri.includes('#')) return refuse('redirect URI must not contain a fragment');
  // Security BCP §4.1.1: exact matching only, so patterns are meaningless.
  if (uri.includes('*')) return refuse('redirect URI must not contain a wildcard (*)');
  const scheme = SCHEME.exec(uri)?.[1];
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse('redirect URI must be an absolute URL');
  }
  if (scheme === undefined) return refuse('redirect URI must be an absolute URL');
  // Userinfo lets `https://good.example@evil.example` pass a glance while pointing at evil.example.
  if (url.username !== '' || url.password !== '' || /^[^:]+:\/\/[^/?]*@/.test(uri)) {
    return refuse('redirect URI must not contain userinfo (user@host)');
  }
  return checkScheme(uri, scheme, url);
}

function checkScheme(uri: string, scheme: string, url: URL): RedirectUriCheck {
  const lowerScheme = scheme.toLowerCase();
  if (lowerScheme === 'https' || lowerScheme === 'http') {
    if (!uri.startsWith(`${scheme}://`) || url.hostname === '') return refuse('redirect URI must be an absolute URL with a host');
    if (lowerScheme === 'https') return { ok: true };
    // RFC 8252 §7.3 and RFC 9700 §2.1: plain http only for a native app's loopback listener.
    if (LOOPBACK_HOSTS.has(url.hostname)) return { ok: true };
    return refuse('redirect URI must use https (http is allowed only on 127.0.0.1, [::1] or localhost)');
  }
  if (DANGEROUS_SCHEMES.has(lowerScheme)) return refuse(`redirect URI scheme "${lowerScheme}:" is not allowed`);
  // RFC 8252 §7.1: private-use schemes are based on a domain name the app controls, in reverse order.
  if (!PRIVATE_USE_SCHEME.test(scheme)) {
    return refuse(`redirect URI scheme "${scheme}:" is not allowed; a native app scheme must be lower-case reverse-domain style, e.g. com.example.app:/callback`);
  }
  return { ok: true };
}

// A loopback IP literal redirect URI split around its optional port: RFC 8252 §7.3.
const LOOPBACK_IP_URI = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([1-9][0-9]{0,4}))?([/?].*)?$/s;

/** The URI without its port, when it is an http loopback IP literal URI with a valid (or no) port. */
function withoutLoopbackPort(uri: string): string | undefined {
  const match = LOOPBACK_IP_URI.exec(uri);
  if (!match) return undefined;
  const [, host, port, rest] = match;
  if (port !== undefined && Number(port) > 65535) return undefined;
  return `http://${host}${rest ?? ''}`;
}

/**
 * Finds the registered redirect URI a request names, byte for byte: no case folding, normalisation, prefix,
 * trailing-slash, query or port leniency. The one exception (RFC 8252 §7.3) is for native apps only: for a public client,
 * a registered `http://127.0.0.1/...` or `http://[::1]/...` URI matches a request on any port, everything else still
 * exact. Confidential clients and `localhost` URIs always match exactly (RFC 8252 §8.3 advises the IP literal).
 *
 * @returns the redirect URI to send the response to (the requested one, port included), or undefined.
 */
export function matchRedirectUri(client: Pick<ClientRecord, 'redirectUris' | 'clientType'>, requested: string): string | undefined {
  if (client.redirectUris.includes(requested)) return requested;
  if (client.clientType !== 'public') return undefined;
  const requestedWithoutPort = withoutLoopbackPort(requested);
  if (requestedWithoutPort === undefined) return undefined;
  const matches = client.redirectUris.some((uri) => withoutLoopbackPort(uri) === requestedWithoutPort);
  return matches ? requested : undefined;
}
