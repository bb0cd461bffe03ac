import { PassThrough } from 'node:stream';
import { PasswordEntryCancelled, PasswordsDiffer, readPassword } from '../../src/cli/read-password';
import { waitFor } from '../support/wait-for';

/** A stand-in for a terminal's standard input: records raw mode, and what was typed while it was on or off. */
class FakeTerminal extends PassThrough {
  readonly isTTY = true;
  raw = false;
  readonly modes: boolean[] = [];
  setRawMode(raw: boolean): this {
    this.raw = raw;
    this.modes.push(raw);
    return this;
  }
  /** Keys as a terminal delivers them; a real one in cooked mode would echo them, so typing then is a test failure. */
  type(keys: string): void {
    if (!this.raw) throw new Error(`typed ${JSON.stringify(keys)} while the terminal echoes`);
    this.write(keys);
  }
}

/** Standard error, as text. */
function promptStream() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

/** Waits until `prompts` has shown `count` prompts, then types `keys`. */
async function typeAfterPrompt(terminal: FakeTerminal, prompts: { text(): string }, count: number, keys: string): Promise<void> {
  await waitFor(() => (prompts.text().match(/password( again)?: /g) ?? []).length >= count, `prompt ${count}`);
  terminal.type(keys);
}

describe('readPassword', () => {
  it('reads the first line of a pipe, with no prompt and no terminal mode', async () => {
    const pipe = new PassThrough();
    const prompts = promptStream();
    pipe.end('secret-from-a-pipe\nsecond line\n');
    await expect(readPassword(pipe, prompts.stream)).resolves.toBe('secret-from-a-pipe');
    expect(prompts.text()).toBe('');
  });

  it('reads a pipe with no newline at its end, and a CR LF line', async () => {
    const noNewline = new PassThrough();
    noNewline.end('no-newline-here');
    await expect(readPassword(noNewline, promptStream().stream)).resolves.toBe('no-newline-here');
    const crlf = new PassThrough();
    crlf.end('windows-line\r\n');
    await expect(readPassword(crlf, promptStream().stream)).resolves.toBe('windows-line');
  });

  it('on a terminal, turns echo off before prompting, asks twice, and restores the terminal', async () => {
    const terminal = new FakeTerminal();
    const prompts = promptStream();
    const read = readPassword(terminal, prompts.stream);
    await typeAfterPrompt(terminal, prompts, 1, 'typed-unseen\r');
    await typeAfterPrompt(terminal, prompts, 2, 'typed-unseen\r');
    await expect(read).resolves.toBe('typed-unseen');
    expect(terminal.modes).toEqual([true, false]);
    expect(prompts.text()).toBe('password: \npassword again: \n');
  });

  it('takes both lines from one pasted chunk, and CR LF as one Enter', async () => {
    const terminal = new FakeTerminal();
    const prompts = promptStream();
    const read = readPassword(terminal, prompts.stream);
    await typeAfterPrompt(terminal, prompts, 1, 'pasted-pw\r\npasted-pw\r\n');
    await expect(read).resolves.toBe('pasted-pw');
  });

  it('applies erase (DEL, backspace) and erase-line (Ctrl-U), and keeps characters beyond ASCII', async () => {
    const terminal = new FakeTerminal();
    const prompts = promptStream();
    const read = readPassword(terminal, prompts.stream);
    await typeAfterPrompt(terminal, prompts, 1, 'wrong\u0015pässwörd!x\u007f\r');
    // The multi-byte character split across two chunks still arrives as one.
    const bytes = Buffer.from('pässwörd!y\b\r', 'utf8');
    await typeAfterPrompt(terminal, prompts, 2, '');
    terminal.write(bytes.subarray(0, 2));
    terminal.write(bytes.subarray(2));
    await expect(read).resolves.toBe('pässwörd!');
  });

  it('refuses two different entries', async () => {
    const terminal = new FakeTerminal();
    const prompts = promptStream();
    const read = readPassword(terminal, prompts.stream);
    await typeAfterPrompt(terminal, prompts, 1, 'first-entry\r');
    await typeAfterPrompt(terminal, prompts, 2, 'other-entry\r');
    await expect(read).rejects.toBeInstanceOf(PasswordsDiffer);
    expect(terminal.raw).toBe(false);
  });

  it.each([
    ['Ctrl-C', '\u0003'],
    ['Ctrl-D', '\u0004'],
  ])('cancels on %s and restores the terminal', async (_name, key) => {
    const terminal = new FakeTerminal();
    const prompts = promptStream();
    const read = readPassword(terminal, prompts.stream);
    await typeAfterPrompt(terminal, prompts, 1, `half${key}`);
    await expect(read).rejects.toBeInstanceOf(PasswordEntryCancelled);
    expect(terminal.modes).toEqual([true, false]);
  });
});
