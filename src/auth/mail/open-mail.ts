import { join } from 'node:path';
import type { MailConfig } from '../../config/config';
import { createMailQueue, type MailLog, type MailQueue, type Timers } from './mail-queue';
import { type MailTransport, outboxTransport, type SmtpTimeouts, smtpTransport } from './mail-transport';
import { createMailer, type Mailer } from './mailer';

/** What a test (or an embedder) may set about sending; the configuration decides the rest. */
export interface MailOptions {
  /** Instead of what SMTP_URL (or its absence) says: a test's own transport. */
  readonly transport?: MailTransport;
  readonly retryDelaysMs?: readonly number[];
  readonly smtpTimeouts?: SmtpTimeouts;
  readonly timers?: Timers;
}

export interface OpenMail {
  readonly mailer: Mailer;
  /** Undefined when mail is off. */
  readonly queue: MailQueue | undefined;
}

/**
 * SMTP when SMTP_URL is set; else `.eml` files in DATA_DIR/outbox outside production; else, in
 * production, mail is off: said once at start-up, and the mutations whose purpose is a mail refuse.
 */
export function openMail(config: { mail: MailConfig; production: boolean; dataDir: string }, log: MailLog, options: MailOptions = {}): OpenMail {
  const { mail } = config;
  let transport = options.transport;
  if (!transport && mail.smtpUrl !== undefined) transport = smtpTransport(mail.smtpUrl, options.smtpTimeouts);
  if (!transport && !config.production) {
    const dir = join(config.dataDir, 'outbox');
    transport = outboxTransport(dir);
    log.info({ mail: 'outbox', dir }, `mail is written to ${dir} as .eml files (no SMTP_URL)`);
  }
  if (!transport) {
    log.warn({ mail: 'off' }, 'mail is off (no SMTP_URL): no verification mail is sent, and password resets, verification requests and changes of address are refused');
    return { mailer: createMailer({ queue: undefined, appUrl: mail.appUrl }), queue: undefined };
  }
  const queue = createMailQueue({ transport, from: mail.from, log, timers: options.timers, retryDelaysMs: options.retryDelaysMs });
  return { mailer: createMailer({ queue, appUrl: mail.appUrl }), queue };
}
