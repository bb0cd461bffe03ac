import type { MailTransport } from './mail-transport';
import type { OutgoingMail } from './templates';

/** The timers the queue waits with: injected, so that tests move them instead of waiting. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface MailLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface MailQueue {
  /** Takes the mail and returns at once: it is sent after the answer, never delaying it. */
  enqueue(mail: OutgoingMail): void;
  /** Mails not yet sent, or waiting for a retry. */
  pending(): number;
  /** Drops what is still queued (lost, as when the process dies) and closes the transport. */
  close(): void;
}

/** Waits before the second, third and fourth attempt; after the last the mail is dropped. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([5_000, 30_000, 120_000]);

/** What the log may say of a failed send: the transport's error, never the mail. */
function failure(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, responseCode, command } = error as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  return { message: error.message, code, responseCode, command };
}

/**
 * An in-process queue: a mail is held in memory only, rendered, and tried again with growing
 * delays when the transport fails. Nothing of it is kept anywhere else, so a mail still queued
 * when the process dies is lost (the user asks again); the log names its kind and account,
 * never its address, link or body.
 */
export function createMailQueue(deps: { transport: MailTransport; from: string; log: MailLog; timers?: Timers; retryDelaysMs?: readonly number[] }): MailQueue {
  const { transport, from, log } = deps;
  const timers = deps.timers ?? realTimers;
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const waiting = new Set<unknown>();
  let inFlight = 0;
  let closed = false;

  function attempt(mail: OutgoingMail, number: number): void {
    if (closed) return;
    inFlight += 1;
    const about = { mail: mail.kind, userId: mail.userId, transport: transport.kind, attempt: number };
    transport.send(mail, from).then(
      (details) => {
        inFlight -= 1;
        log.info({ ...about, ...details }, transport.kind === 'outbox' ? `mail written to the outbox: ${mail.kind}` : `mail sent: ${mail.kind}`);
      },
      (error: unknown) => {
        inFlight -= 1;
        const delay = delays[number - 1];
        if (delay === undefined) {
          log.warn({ ...about, err: failure(error) }, `mail dropped after ${number} attempts: ${mail.kind}`);
          return;
        }
        log.warn({ ...about, err: failure(error), retryInMs: delay }, `mail not sent, will retry: ${mail.kind}`);
        later(() => attempt(mail, number + 1), delay);
      },
    );
  }

  function later(callback: () => void, ms: number): void {
    if (closed) return;
    const handle = timers.setTimeout(() => {
      waiting.delete(handle);
      callback();
    }, ms);
    waiting.add(handle);
  }

  return {
    enqueue(mail) {
      // After the current request's answer has been written, not during it.
      later(() => attempt(mail, 1), 0);
    },
    pending: () => waiting.size + inFlight,
    close() {
      closed = true;
      for (const handle of waiting) timers.clearTimeout(handle);
      waiting.clear();
      transport.close();
    },
  };
}
