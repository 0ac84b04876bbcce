// Text and JSON from the database made safe to print: stored values (a user agent, a client name) reach a terminal.

// Characters a terminal acts on, or that reorder, hide or break text: controls (C0, DEL, C1), format characters
// (U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE), the line and paragraph separators, lone surrogates.
const UNSAFE_IN_TEXT = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
// JSON.stringify already escapes C0 controls and lone surrogates inside strings; outside them, newlines are its layout.
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A `\u` escape of four hex digits (`\u202e`) for each UTF-16 unit: what a JSON string reads back as the same character. */
function unicodeEscape(character: string): string {
  return Array.from({ length: character.length }, (_, index) => `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`).join('');
}

/** `text` with every unsafe character shown as its `\u` escape (`\u202e`), for a table or a sentence. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, unicodeEscape);
}

/** JSON.stringify, with the unsafe characters it leaves raw escaped too: still valid JSON, parsing to the same value. */
export function toTerminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, unicodeEscape);
}
