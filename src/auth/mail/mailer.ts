import { UnavailableError } from '../../errors';
import type { MailQueue } from './mail-queue';
import type { OutgoingMail } from './templates';

/** What the flows send mail through: links at APP_URL, and the queue, or nothing when mail is off. */
export interface Mailer {
  /** False in production with no SMTP_URL. */
  readonly on: boolean;
  /** For the mutations whose purpose is a mail: the same clear error, whatever their input, when mail is off. */
  assertOn(): void;
  link(page: 'reset-password' | 'verify-email', token: string): string;
  /** Queued, sent after the answer; dropped when mail is off (a notice that cannot go out stops nothing). */
  send(mail: OutgoingMail): void;
}

export function mailOff(): UnavailableError {
  return new UnavailableError('Mail is off on this server (no SMTP_URL is configured), so no mail can be sent: ask its operator.');
}

export function createMailer(deps: { queue: MailQueue | undefined; appUrl: string }): Mailer {
  const { queue, appUrl } = deps;
  return {
    on: queue !== undefined,
    assertOn() {
      if (!queue) throw mailOff();
    },
    link: (page, token) => `${appUrl}/${page}?token=${encodeURIComponent(token)}`,
    send(mail) {
      queue?.enqueue(mail);
    },
  };
}
