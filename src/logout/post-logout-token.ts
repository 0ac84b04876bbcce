// Sends one logout token to a client's backchannel_logout_uri (Back-Channel Logout §2.5) and says how it went.

/** `delivered` for any 2xx; otherwise why not, as recorded in the outbox and the audit trail. */
export type PostOutcome = 'delivered' | 'timeout' | 'interrupted' | 'network_error' | `http_${number}`;

/**
 * POSTs `logout_token=<token>` as a form, giving up after `timeoutMs` or when `stop` aborts. Redirects are not
 * followed (a 3xx is a failure): the token goes only to the URI the client registered.
 */
export async function postLogoutToken(uri: string, token: string, timeoutMs: number, stop: AbortSignal): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
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
