// The probe's cookies, held in memory for one run and sent back only to the origin that set them.

export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  /** The Cookie header for a request to `url`, if the jar holds any cookie of its origin. */
  headerFor(url: URL): string | undefined {
    const cookies = this.byOrigin.get(url.origin);
    if (cookies === undefined || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Keeps what the answer of `url` set; Max-Age=0, a past Expires or an empty value removes a cookie. */
  store(url: URL, setCookieHeaders: readonly string[]): void {
    let cookies = this.byOrigin.get(url.origin);
    if (cookies === undefined) this.byOrigin.set(url.origin, (cookies = new Map<string, string>()));
    for (const header of setCookieHeaders) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const expired = attributes.some((attribute) => /^max-age=(0|-\d+)$/i.test(attribute) || isPast(attribute));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }
}

function isPast(attribute: string): boolean {
  const match = /^expires=(.+)$/i.exec(attribute);
  return match?.[1] !== undefined && Date.parse(match[1]) <= Date.now();
}
