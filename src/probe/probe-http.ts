// The probe's HTTP: fetch with `redirect: 'manual'` (every hop is seen), in-memory cookies, the step's abort signal,
// and answers read with a size cap, so a hostile or broken issuer costs one failed step, never a hang or a crash.
import { readCapped } from '../resource-server/fetch-json.js';
import { CookieJar } from './cookie-jar.js';
import { ProbeFailure, unreachable } from './probe-failure.js';

/** Discovery, JWK Sets, pages and token answers are a few KiB; anything near this is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;

export interface ProbeRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
}

export class ProbeHttp {
  private readonly cookies = new CookieJar();

  constructor(private readonly userAgent: string) {}

  /** One request, no redirect followed. @throws ProbeFailure (unreachable) when no HTTP answer came */
  async send(url: URL, request: ProbeRequest, signal: AbortSignal): Promise<Response> {
    const headers = new Headers(request.headers);
    headers.set('user-agent', this.userAgent);
    const cookie = this.cookies.headerFor(url);
    if (cookie !== undefined) headers.set('cookie', cookie);
    if (request.form !== undefined) headers.set('content-type', 'application/x-www-form-urlencoded');
    const body = request.form === undefined ? undefined : new URLSearchParams({ ...request.form }).toString();
    let response: Response;
    try {
      response = await fetch(url, { method: request.method ?? 'GET', headers, body, redirect: 'manual', signal });
    } catch (error) {
      throw unreachable(signal.aborted ? signal.reason : error, url);
    }
    this.cookies.store(url, response.headers.getSetCookie());
    return response;
  }

  /** The body as text. @throws ProbeFailure when it is too large or breaks off */
  async text(response: Response, what: string, signal: AbortSignal): Promise<string> {
    try {
      return await readCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new ProbeFailure(`${what}: ${error instanceof Error ? error.message : 'unreadable answer'}`, 'failed', { cause: error });
    }
  }

  /** The body as JSON (any status). @throws ProbeFailure when it is not JSON */
  async json(response: Response, what: string, signal: AbortSignal): Promise<unknown> {
    const text = await this.text(response, what, signal);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ProbeFailure(`${what} answered ${response.status} without a JSON body`, 'failed', { cause: error });
    }
  }

  /** A JSON object answered with 200. @throws ProbeFailure naming the status or the shape */
  async jsonObject(response: Response, what: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new ProbeFailure(`${what} answered ${response.status}`);
    }
    const body = await this.json(response, what, signal);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProbeFailure(`${what} did not answer a JSON object`);
    return body as Record<string, unknown>;
  }
}
