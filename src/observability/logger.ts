// The JSON logger: pino with every secret-bearing field redacted and request URLs logged without query values.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are never written to a log, at any depth we log. */
export const REDACTED_FIELDS = [
  'password',
  'client_secret',
  'clientSecret',
  'secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'privateKey',
  'private_key',
  'encryptionSecret',
  'authorization',
  'cookie',
  'set-cookie',
];

const SECRET_FIELDS: ReadonlySet<string> = new Set(REDACTED_FIELDS);
const CENSOR = '[redacted]';
/** Levels searched below the top: every object Gatehouse logs keeps its secrets within three levels (`req.headers.cookie`). */
const LEVELS_BELOW_TOP = 2;

/** A shallow copy to censor fields in; an error stays an error of its class, with its message, stack and cause. */
function copyForCensoring(value: object): Record<string, unknown> {
  if (Array.isArray(value)) return [...(value as unknown[])] as unknown as Record<string, unknown>;
  if (Object.getPrototypeOf(value) === Object.prototype) return { ...value };
  return Object.create(Object.getPrototypeOf(value) as object, Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
}

/**
 * `value` with every field named in REDACTED_FIELDS censored, at the top and two levels below. Returns `value` itself
 * when there is nothing to censor, so the line every request logs costs no copy: pino's own path-based redaction cloned
 * each logged object and was the largest cost of logging.
 */
export function redactFields<T>(value: T, levelsBelow = LEVELS_BELOW_TOP): T {
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const field: unknown = value[key];
    const censored = field !== undefined && SECRET_FIELDS.has(key) ? CENSOR : levelsBelow > 0 ? redactFields(field, levelsBelow - 1) : field;
    if (censored === field) continue;
    copy ??= copyForCensoring(value);
    copy[key] = censored;
  }
  return (copy ?? value) as T;
}

/** Drops query values: authorization requests carry state and challenges that need not reach logs. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const names = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => pair.split('=')[0])
    .filter((name) => name !== '');
  return `${url.slice(0, queryStart)}?${names.map((name) => `${name}=[redacted]`).join('&')}`;
}

interface SerializableRequest {
  readonly id?: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly ip?: string;
}

/**
 * Censors the bindings of every child logger, and of theirs: pino applies `formatters.bindings` to the root's only.
 * Children inherit this `child` from the root, so it is set once.
 */
function censorChildBindings(logger: Logger): Logger {
  const { child: createChild } = Object.getPrototypeOf(logger) as Pick<Logger, 'child'>;
  logger.child = function (this: Logger, bindings, options) {
    return createChild.call(this, redactFields(bindings), options);
  } as Logger['child'];
  return logger;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      // Before serializers, on every logged object.
      formatters: { log: redactFields },
      serializers: {
        req: (req: SerializableRequest) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? ''), ip: req.ip }),
      },
    },
    destination,
  );
  return censorChildBindings(logger);
}
