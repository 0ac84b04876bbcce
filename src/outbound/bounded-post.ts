// One server-to-server POST (a logout token, a security event): bounded in time, interruptible, never following a redirect.

/** `delivered` for any 2xx; otherwise why not, as recorded or logged. */
export type PostOutcome = 'delivered' | 'timeout' | 'interrupted' | 'network_error' | `http_${number}`;

export interface PostBody {
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * POSTs `content` to `url`, giving up after `timeoutMs` or when `stop` aborts. A 3xx is a failure: what is sent goes
 * only to the URL given.
 */
export async function postBounded(url: string, content: PostBody, timeoutMs: number, stop: AbortSignal): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...content.headers, 'content-type': content.contentType },
      body: content.body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, stop]),
    });
    // The body is not needed; cancelling frees the connection.
    await response.body?.cancel().catch(() => undefined);
    return response.status >= 200 && response.status < 300 ? 'delivered' : `http_${response.status}`;
  } catch {
    if (stop.aborted) return 'interrupted';
    return timeout.aborted ? 'timeout' : 'network_error';
  }
}
