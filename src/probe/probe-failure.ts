// Why a probe step failed, in words safe to print anywhere: never a token, code, secret, password or cookie.

/** `failed`: the issuer answered, wrongly. `unreachable`: no answer at all (connection refused, DNS, TLS, timeout). */
export type FailureKind = 'failed' | 'unreachable';

export class ProbeFailure extends Error {
  override readonly name: string = 'ProbeFailure';

  constructor(
    message: string,
    readonly kind: FailureKind = 'failed',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The step's `--timeout` ran out; raised through the step's abort signal, so its requests are cancelled too. */
export class StepTimedOut extends ProbeFailure {
  override readonly name = 'StepTimedOut';

  constructor(seconds: number) {
    super(`no answer within ${seconds} s (--timeout)`, 'unreachable');
  }
}

/**
 * A fetch that got no HTTP answer, named by the low-level code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED ...) and the
 * origin only: a URL's query may carry a code.
 */
export function unreachable(error: unknown, url: URL): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const detail = typeof code === 'string' ? code : (cause?.message ?? (error instanceof Error ? error.message : 'no answer'));
  return new ProbeFailure(`cannot reach ${url.origin}: ${detail}`, 'unreachable', { cause: error });
}

/** An RFC 6749 §5.2 `error` code as sent; anything that does not look like one is not repeated. */
export function errorCodeOf(body: unknown): string {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(error) ? error : 'no error code';
}
