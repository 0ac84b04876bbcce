// Just enough HTML reading to fill in a login or consent form as a browser would: forms, their fields and buttons.

export interface HtmlForm {
  /** The action as written (resolve it against the page's URL); empty when the form posts to its own page. */
  readonly action: string;
  readonly method: string;
  /** Every named input with its type and value (hidden fields included). */
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly type: string; readonly value: string }>;
  /** Submit buttons that send a name and value. */
  readonly buttons: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/** Attribute names (lower-cased) to decoded values; a bare attribute has the empty value. */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes.set(match[1]!.toLowerCase(), decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

export function readForms(page: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const [, formTag = '', content = ''] of page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const form = attributesOf(formTag);
    const inputs = [...content.matchAll(/<input\b([^>]*)>/gi)]
      .map(([, tag = '']) => attributesOf(tag))
      .filter((input) => input.has('name'))
      .map((input) => ({ name: input.get('name')!, type: (input.get('type') ?? 'text').toLowerCase(), value: input.get('value') ?? '' }));
    const buttons = [...content.matchAll(/<button\b([^>]*)>/gi)]
      .map(([, tag = '']) => attributesOf(tag))
      .filter((button) => button.has('name') && (button.get('type') ?? 'submit').toLowerCase() === 'submit')
      .map((button) => ({ name: button.get('name')!, value: button.get('value') ?? '' }));
    forms.push({ action: form.get('action') ?? '', method: (form.get('method') ?? 'get').toLowerCase(), inputs, buttons });
  }
  return forms;
}

/** The hidden fields of a form, as a browser submits them. */
export function hiddenFields(form: HtmlForm): Record<string, string> {
  return Object.fromEntries(form.inputs.filter((input) => input.type === 'hidden').map((input) => [input.name, input.value]));
}

/** The text of the page's first `role="alert"` element, if any: what the page tells the person went wrong. */
export function alertText(page: string): string | undefined {
  const match = /<(\w+)\b[^>]*\brole="alert"[^>]*>([\s\S]*?)<\/\1>/i.exec(page);
  if (match === undefined || match === null) return undefined;
  return decodeEntities(match[2]!.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim().slice(0, 200);
}
