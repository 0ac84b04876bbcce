// The `--selector` of `gatehouse ops`: Prometheus label matchers added to every series the rules and panels read.

/** A selector that is not a comma-separated list of `label="value"` matchers (=, !=, =~, !~). */
export class InvalidSelector extends Error {
  constructor(detail: string) {
    super(`--selector: ${detail}; expected label matchers such as job="gatehouse",namespace=~"auth-.*"`);
    this.name = 'InvalidSelector';
  }
}

/** One matcher: a label name, an operator and a double-quoted value with Prometheus string escapes. */
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\\n]|\\.)*)"\s*(,|$)/;

/** One parsed matcher, e.g. job, =, gatehouse. */
interface Matcher {
  readonly label: string;
  readonly operator: string;
  readonly value: string;
}

const render = ({ label, operator, value }: Matcher): string => `${label}${operator}"${value}"`;

/**
 * Parses `job="gatehouse",env!="dev"` (braces optional) and returns it normalised, ready to put inside `{...}`.
 * Refuses what would change the meaning of a rule rather than narrow it: `__name__` and the other reserved labels.
 * @throws InvalidSelector
 */
export function parseSelector(text: string): string {
  return parseMatchers(text).map(render).join(',');
}

/**
 * The labels a normalised selector fixes to one value (`job="a"`, not `job=~"a|b"`): a deployment's identity, kept on
 * every aggregate so the rules of two deployments in one Prometheus never mix or overwrite each other's series.
 */
export function identityLabels(selector: string): { readonly names: readonly string[]; readonly matchers: string } {
  const fixed = parseMatchers(selector).filter((matcher) => matcher.operator === '=');
  return { names: fixed.map((matcher) => matcher.label), matchers: fixed.map(render).join(',') };
}

function parseMatchers(text: string): Matcher[] {
  let rest = text.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1);
  const matchers: Matcher[] = [];
  while (rest.trim() !== '') {
    const match = MATCHER.exec(rest);
    if (match === null) throw new InvalidSelector(`cannot parse "${shorten(rest.trim())}"`);
    const [whole, label = '', operator = '', value = ''] = match;
    if (label.startsWith('__')) throw new InvalidSelector(`the reserved label ${label} cannot be matched`);
    if (operator.includes('~')) checkRegularExpression(label, value);
    matchers.push({ label, operator, value });
    rest = rest.slice(whole.length);
  }
  return matchers;
}

/** Prometheus speaks RE2; JavaScript's syntax is close enough to refuse what is plainly broken, such as `(`. */
function checkRegularExpression(label: string, value: string): void {
  try {
    new RegExp(value.replace(/\\(.)/g, '$1'));
  } catch {
    throw new InvalidSelector(`the regular expression for ${label} is invalid`);
  }
}

/** Echoing the input helps the operator; a long paste is cut so the error stays one short line. */
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
