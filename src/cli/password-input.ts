// Reads a password from stdin (`--password-stdin`) or a terminal prompt with echo off; never from argv.
import { UsageError } from './output.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

/** The prompt was abandoned with Ctrl-C or Ctrl-D. */
export class PromptCancelled extends UsageError {
  constructor() {
    super('password prompt cancelled');
    this.name = 'PromptCancelled';
  }
}

/** `--password-stdin` reads the whole of stdin; otherwise a terminal is required so nothing is echoed. */
export async function readPassword(options: { readonly passwordStdin?: boolean | undefined }): Promise<string> {
  if (options.passwordStdin) return readPasswordFromStdin();
  if (!process.stdin.isTTY) {
    throw new UsageError('no terminal to prompt for the password: pipe it in and pass --password-stdin');
  }
  const password = await promptHidden('Password: ');
  const repeated = await promptHidden('Repeat password: ');
  if (password !== repeated) throw new UsageError('the passwords do not match');
  return password;
}

/** Strips one trailing line break, as `echo pw |` and here-strings add it; other whitespace is part of the password. */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Raw mode keeps the terminal from echoing; the prompt goes to stderr so stdout stays the command's result. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish(() => resolve(typed));
        if (character === CTRL_C || character === CTRL_D) return finish(() => reject(new PromptCancelled()));
        typed = BACKSPACES.has(character) ? [...typed].slice(0, -1).join('') : typed + character;
      }
    };
    stdin.on('data', onData);
  });
}
