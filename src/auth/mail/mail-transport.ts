import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { OutgoingMail } from './templates';

/** Where sent mail goes. `send` resolves once the mail has been handed over (or written), with what the log may say of it. */
export interface MailTransport {
  /** `smtp`, `outbox`, or a test's own. */
  readonly kind: string;
  send(mail: OutgoingMail, from: string): Promise<Readonly<Record<string, string>>>;
  close(): void;
}

/** How long an SMTP server may take to accept a connection, greet, and answer each command, before the attempt fails and is retried. */
export interface SmtpTimeouts {
  readonly connectMs: number;
  readonly socketMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = Object.freeze({ connectMs: 10_000, socketMs: 30_000 });

const message = (mail: OutgoingMail, from: string) => ({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });

/** nodemailer over SMTP_URL: `smtp://` (STARTTLS when the server offers it) or `smtps://` (TLS from the start); credentials in the URL. */
export function smtpTransport(url: string, timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS): MailTransport {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: timeouts.socketMs,
  });
  return {
    kind: 'smtp',
    async send(mail, from) {
      await transport.sendMail(message(mail, from));
      return {};
    },
    close: () => transport.close(),
  };
}

/**
 * Development without SMTP: each mail, as it would have gone out, in a file of its own under
 * `dir` (readable by its owner only: it holds a working link). Any mail client opens it.
 */
export function outboxTransport(dir: string): MailTransport {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const folder = resolve(dir);
  return {
    kind: 'outbox',
    async send(mail, from) {
      const info = await transport.sendMail(message(mail, from));
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.kind}-${randomBytes(3).toString('hex')}`;
      const file = join(folder, `${name}.eml`);
      // Written under another name, then renamed: a reader of the folder never opens a mail half-written.
      const partial = join(folder, `.${name}.part`);
      await writeFile(partial, info.message as Buffer, { mode: 0o600 });
      await rename(partial, file);
      return { file };
    },
    close: () => transport.close(),
  };
}
