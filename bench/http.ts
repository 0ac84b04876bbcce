// HTTP for the load generator: one undici Pool per target (loopback only), and a browser-like cookie jar on top of it.
import { Pool } from 'undici';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
  readonly setCookies: readonly string[];
}

export interface SendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
}

/** Keep-alive connections to one loopback origin; refuses any other host, so a benchmark never loads a real server. */
export class LoopbackHttp {
  readonly origin: string;
  private readonly pool: Pool;

  /** `onStatus` sees the status of every answer, whatever the operation that asked makes of it. */
  constructor(baseUrl: string, connections: number, private readonly onStatus: (status: number) => void = () => {}) {
    const url = new URL(baseUrl);
    if (!LOOPBACK_HOSTS.has(url.hostname)) throw new Error(`benchmarks target loopback only, not ${url.hostname}`);
    this.origin = url.origin;
    this.pool = new Pool(this.origin, { connections, pipelining: 1 });
  }

  async send(method: 'GET' | 'POST', path: string, options: SendOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await this.pool.request({ method, path, headers, body });
    this.onStatus(response.statusCode);
    const text = await response.body.text();
    const location = response.headers.location;
    const setCookie = response.headers['set-cookie'];
    return {
      status: response.statusCode,
      location: Array.isArray(location) ? location[0] : location,
      body: text,
      setCookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One person's browser: the cookies it was given (by name, whatever their path) and sent back on every request. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly http: LoopbackHttp) {}

  get(path: string): Promise<Answer> {
    return this.remember(this.http.send('GET', path, { headers: this.cookieHeader() }));
  }

  postForm(path: string, form: Readonly<Record<string, string>>): Promise<Answer> {
    return this.remember(this.http.send('POST', path, { headers: this.cookieHeader(), form }));
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private async remember(sent: Promise<Answer>): Promise<Answer> {
    const answer = await sent;
    for (const line of answer.setCookies) {
      const match = /^([^=;\s]+)=([^;]*)/.exec(line);
      if (!match) continue;
      const [, name = '', value = ''] = match;
      const expired = /;\s*max-age=0/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return answer;
  }
}
