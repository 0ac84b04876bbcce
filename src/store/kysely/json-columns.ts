// Lists stored as JSON text, read back with a check of their shape.

export function parseStringList(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError('stored list is not a JSON array of strings');
  }
  return value;
}
