// Random and malformed requests for fuzzing the endpoints clients call (fast-check), and the error shape they must get.
import assert from 'node:assert/strict';
import fc from 'fast-check';

export const CONTENT_TYPES = [
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded;;', 'x',
];

/** Printable ASCII: what an HTTP header value may hold. */
const headerText = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });

/** Values the server knows (codes, tokens, client ids and secrets) and Authorization headers that authenticate. */
export interface Known {
  readonly values: readonly string[];
  readonly authorizations: readonly string[];
}

function value(known: Known): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...known.values),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constant('x'.repeat(5000)),
  );
}

/** A body: mostly well-formed pairs of the endpoint's `names`, sometimes raw bytes, broken escapes and repeats. */
export function body(known: Known, names: readonly string[]): fc.Arbitrary<string> {
  const pair = fc
    .tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), value(known))
    .map(([name, text]) => `${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
  const junk = fc.constantFrom('%', '%zz', '&&', '=', '==x', '%00', '+', 'grant_type', '{"grant_type":"refresh_token"}', 'grant_type=authorization_code');
  return fc.array(fc.oneof({ weight: 4, arbitrary: pair }, { weight: 1, arbitrary: junk }), { maxLength: 10 }).map((parts) => parts.join('&'));
}

export function authorization(known: Known): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...known.authorizations),
    headerText(60).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
    headerText(60).map((text) => `Bearer ${text}`),
    headerText(60),
  );
}

/** No 5xx; a 200 is fine; any error carries one of `codes` (or is a 405). */
export async function assertErrorShape(response: Response, codes: ReadonlySet<string>): Promise<void> {
  assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
  if (response.status === 200) return;
  const text = await response.text();
  const parsed = JSON.parse(text) as { error?: unknown };
  assert.ok(typeof parsed.error === 'string' && (codes.has(parsed.error) || response.status === 405), `an RFC error code: ${text}`);
}
