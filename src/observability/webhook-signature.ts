// The security webhook's signature: HMAC-SHA256 over "<timestamp>.<body>", sent as `Gatehouse-Signature: t=...,v1=...`.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'gatehouse-signature';

/**
 * The header value for `body` sent at `timestamp` (epoch seconds). The timestamp is signed with the body, so a
 * receiver that refuses old timestamps also refuses a replayed request (README "Security events").
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
