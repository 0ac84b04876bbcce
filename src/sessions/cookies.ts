// Cookies on the wire: every cookie Gatehouse sets gets its name and attributes here, as a Set-Cookie header value.

/** Cookies as the HTTP layer parsed them, by name. */
export type RequestCookies = Readonly<Record<string, string | undefined>>;

/** Secure cookies whenever the issuer is https, even when this process listens on http behind a TLS proxy. */
export function isSecureIssuer(issuer: string): boolean {
  return issuer.startsWith('https:');
}

/** SECURITY.md (sessions): `__Host-` pins a cookie to this host over https (no Domain, Path=/, Secure), so no sibling host can plant one. */
export function cookieName(issuer: string, name: string): string {
  return isSecureIssuer(issuer) ? `__Host-${name}` : name;
}

/** The non-empty value of the cookie `name` (prefixed as `cookieName` would), if the request carried one. */
export function readCookie(cookies: RequestCookies, issuer: string, name: string): string | undefined {
  const value = cookies[cookieName(issuer, name)];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A Set-Cookie header value: HttpOnly, SameSite=Lax, Path=/, and Secure when the issuer is https. Lax sends the cookie
 * on the top-level navigations of the flow (redirects from the client) but not on cross-site POSTs.
 * `value` must be cookie-safe (the base64url values Gatehouse makes are).
 */
export function setCookieHeader(issuer: string, name: string, value: string, maxAge: number): string {
  const secure = isSecureIssuer(issuer) ? '; Secure' : '';
  return `${cookieName(issuer, name)}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

/** The Set-Cookie header value that removes the cookie (same name and attributes, or a `__Host-` cookie could not be replaced). */
export function clearCookieHeader(issuer: string, name: string): string {
  return setCookieHeader(issuer, name, '', 0);
}
