// A client definitions file read as a YAML (or JSON) document whose every node knows its line and column.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UsageError } from '../output.js';

/** One thing wrong with the file, where it is: 1-based line and column, and the path (`clients[2].redirect_uris[0]`). */
export interface FileProblem {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** Where something is in the file, without what is wrong there. */
export type FileLocation = Omit<FileProblem, 'message'>;

export interface ClientFileSource {
  readonly path: string;
  readonly document: Document.Parsed;
  /** The file's position of a node (its start), or of the document start for none. */
  position(node: Node | null | undefined): { readonly line: number; readonly column: number };
}

/** Far more than any real set of clients; a bigger file is a mistake, not a configuration. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Reads and parses the file. Syntax errors are problems (as many as the parser finds), returned instead of a document.
 * @throws UsageError when the file cannot be read or is too big.
 */
export function readClientFile(path: string): { readonly source: ClientFileSource } | { readonly problems: readonly FileProblem[] } {
  const text = readText(path);
  const lineCounter = new LineCounter();
  // uniqueKeys: a key given twice is an error, not silently the last one; JSON is read by the same parser.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => ({ ...at(error.pos[0]), path: '', message: error.message.split('\n')[0] ?? error.code })) };
  }
  return { source: { path, document, position: (node) => at(node?.range?.[0] ?? 0) } };
}

function readText(path: string): string {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new UsageError(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/** `FILE:LINE:COL path: message`, the form editors and CI annotations understand. */
export function formatProblem(file: string, problem: FileProblem): string {
  return `${file}:${problem.line}:${problem.column} ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`;
}
