import { StringDecoder } from 'node:string_decoder';

/** Standard input as the reader needs it: any readable stream, with the terminal's extras when it is one. */
export interface PasswordInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

/** Ctrl-C or Ctrl-D at the prompt: the caller exits without creating anything. */
export class PasswordEntryCancelled extends Error {
  override name = 'PasswordEntryCancelled';
}

/** Typed twice on a terminal and the two differ: a password nobody can see must not be mistyped silently. */
export class PasswordsDiffer extends Error {
  override name = 'PasswordsDiffer';
}

/**
 * The password: the first line of a pipe or file, or, on a terminal, typed without echo and then
 * typed again to confirm. Prompts go to `prompts` (standard error) so standard output stays clean.
 */
export async function readPassword(input: PasswordInput, prompts: NodeJS.WritableStream): Promise<string> {
  if (!input.isTTY || typeof input.setRawMode !== 'function') return readFirstLine(input);
  const [password, again] = await readHidden(input, prompts, ['password: ', 'password again: ']);
  if (again !== password) throw new PasswordsDiffer('the two passwords typed differ');
  return password!;
}

async function readFirstLine(input: PasswordInput): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (Buffer.concat(chunks).includes(0x0a)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

const ENTER = new Set(['\r', '\n']);
const CANCEL = new Set(['\u0003', '\u0004']); // Ctrl-C, Ctrl-D
const ERASE = new Set(['\u007f', '\b']);
const ERASE_LINE = '\u0015'; // Ctrl-U

/**
 * One line per prompt from a terminal in raw mode: the terminal then echoes nothing and hands over
 * each key as pressed, so the line editing it would have done (erase, Ctrl-C, Ctrl-D) is done here. Raw
 * mode is set before the first prompt is shown, so nothing typed after a prompt can be echoed.
 */
function readHidden(input: PasswordInput, prompts: NodeJS.WritableStream, promptList: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    const lines: string[] = [];
    let typed: string[] = [];
    let previous = '';
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.setRawMode!(false);
      input.pause();
      if (error) reject(error);
      else resolve(lines);
    };
    const endLine = () => {
      prompts.write('\n');
      lines.push(typed.join(''));
      typed = [];
      if (lines.length === promptList.length) return true;
      prompts.write(promptList[lines.length]!);
      return false;
    };
    const onEnd = () => finish(new PasswordEntryCancelled('standard input ended'));
    const onData = (chunk: Buffer | string) => {
      for (const key of typeof chunk === 'string' ? chunk : decoder.write(chunk)) {
        const afterReturn = previous === '\r';
        previous = key;
        // A terminal that sends Enter as CR LF has typed one line, not two.
        if (key === '\n' && afterReturn) continue;
        if (CANCEL.has(key)) {
          prompts.write('\n');
          return finish(new PasswordEntryCancelled('cancelled'));
        }
        if (ENTER.has(key)) {
          if (endLine()) return finish();
        } else if (ERASE.has(key)) typed = typed.slice(0, -1);
        else if (key === ERASE_LINE) typed = [];
        else typed.push(key);
      }
    };
    input.setRawMode!(true);
    prompts.write(promptList[0]!);
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}
