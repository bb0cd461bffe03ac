import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait-for';

/** One mail as the SMTP server received it. */
export interface ReceivedMail {
  readonly to: readonly string[];
  readonly raw: string;
  /** The text/plain part, decoded. */
  readonly text: string;
  readonly subject: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: for SMTP_URL. */
  readonly url: string;
  readonly mails: readonly ReceivedMail[];
  /** Waits for a mail to `to` whose subject matches, received after `since` mails (0: any). */
  waitForMail(to: string, subject: RegExp, since?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free port of 127.0.0.1 that keeps every mail it is given (no TLS, no
 * auth). `acceptDelayMs` holds each mail's final answer back, as a distant relay would take.
 */
export async function startSmtpSink(options: { acceptDelayMs?: number } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: textPart(raw), subject: header(raw, 'Subject') });
        if (options.acceptDelayMs) setTimeout(callback, options.acceptDelayMs);
        else callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitForMail(to, subject, since = 0) {
      let found: ReceivedMail | undefined;
      await waitFor(() => (found = mails.slice(since).find((m) => m.to.includes(to) && subject.test(m.subject))) !== undefined, `a mail to ${to} about ${subject}`);
      return found!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  return new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(head)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
}

/** The text/plain part of a raw message, with its transfer encoding undone. */
export function textPart(raw: string): string {
  const part = raw.split(/\r?\n--/).find((p) => /^Content-Type: text\/plain/im.test(p)) ?? raw;
  const [head = '', ...body] = part.split(/\r?\n\r?\n/);
  const content = body.join('\n\n');
  const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(content, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    return content.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return content;
}

/** The token of the link to `page` (reset-password or verify-email) in a mail's text. */
export function tokenIn(text: string, page: 'reset-password' | 'verify-email'): string {
  const match = new RegExp(`https?://\\S+/${page}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`no ${page} link in:\n${text}`);
  return match[1]!;
}
