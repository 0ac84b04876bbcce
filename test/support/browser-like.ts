// A browser stand-in for HTTP tests: a cookie jar per instance and redirects followed only when asked.

export interface FormFields {
  readonly [name: string]: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * One browser: cookies set by the server are kept (by name; Max-Age=0 or an empty value removes one) and sent
 * back on every request. Redirects are never followed implicitly, so tests see every Location.
 */
export class BrowserLike {
  private readonly jar = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** The value the jar holds for `name`, if any. */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  deleteCookie(name: string): void {
    this.jar.delete(name);
  }

  /** Fetches a path or absolute URL with the jar's cookies and `redirect: 'manual'`, storing cookies from the answer. */
  async fetch(target: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(new URL(target, this.origin), { ...init, headers, redirect: 'manual' });
    this.store(response.headers.getSetCookie());
    return response;
  }

  get(target: string): Promise<Response> {
    return this.fetch(target);
  }

  /** POSTs `fields` as application/x-www-form-urlencoded, as an HTML form would. */
  postForm(target: string, fields: FormFields): Promise<Response> {
    return this.fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields }).toString(),
    });
  }

  /**
   * Follows redirects while they stay on this browser's origin (as GETs, as browsers do after 303); returns the first
   * answer that is not such a redirect, e.g. the page shown or the redirect to a client.
   */
  async follow(response: Response, maxHops = 10): Promise<Response> {
    let current = response;
    for (let hop = 0; hop < maxHops; hop += 1) {
      const location = current.headers.get('location');
      if (!REDIRECT_STATUSES.has(current.status) || location === null) return current;
      const next = new URL(location, this.origin);
      if (next.origin !== this.origin) return current;
      await current.body?.cancel();
      current = await this.get(next.href);
    }
    throw new Error(`more than ${maxHops} redirects`);
  }

  private store(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const expired = attributes.some((attribute) => /^max-age=0$/i.test(attribute) || /^expires=Thu, 01 Jan 1970/i.test(attribute));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}
