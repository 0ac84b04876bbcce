// How a test chooses the client IP Gatehouse sees: the only place that knows how the test server trusts its proxy.

/** Server environment that trusts the one proxy in front of it (the test itself), so `X-Forwarded-For` names the client. */
export const TRUSTING_LOOPBACK_PROXY: NodeJS.ProcessEnv = { GATEHOUSE_TRUST_PROXY: '1' };

/** Request headers that make a request arrive, through that proxy, from `ip`. */
export function fromClientIp(ip: string): Record<string, string> {
  return { 'x-forwarded-for': ip };
}
