import { createMailQueue, type Timers } from '../../../src/auth/mail/mail-queue';
import type { MailTransport } from '../../../src/auth/mail/mail-transport';
import { templates } from '../../../src/auth/mail/templates';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const due: { callback: () => void; ms: number; handle: number }[] = [];
  let next = 0;
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      next += 1;
      due.push({ callback, ms, handle: next });
      return next;
    },
    clearTimeout: (handle) => {
      const i = due.findIndex((d) => d.handle === handle);
      if (i >= 0) due.splice(i, 1);
    },
  };
  return {
    timers,
    delays: () => due.map((d) => d.ms),
    /** Runs what is due now, then lets the sends it started settle. */
    async fire() {
      const now = due.splice(0);
      for (const d of now) d.callback();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

const user = { id: 'u1', username: 'alice', email: 'alice@example.com' };
const LINK = 'https://app.example.com/reset-password?token=SECRET-TOKEN-abc';

function setUp(failures: number) {
  const sent: string[] = [];
  let calls = 0;
  const transport: MailTransport = {
    kind: 'smtp',
    send: async (mail) => {
      calls += 1;
      if (calls <= failures) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNECTION' });
      sent.push(mail.text);
      return {};
    },
    close: () => {},
  };
  const lines: { level: string; fields: object; message: string }[] = [];
  const log = { info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }), warn: (fields: object, message: string) => lines.push({ level: 'warn', fields, message }) };
  const clock = manualTimers();
  const queue = createMailQueue({ transport, from: 'Gatehouse <g@example.com>', log, timers: clock.timers, retryDelaysMs: [1000, 5000] });
  return { queue, sent, lines, clock, calls: () => calls };
}

describe('the mail queue', () => {
  it('sends nothing while the caller is still answering: the send starts on the next turn', async () => {
    const { queue, sent, clock, calls } = setUp(0);
    queue.enqueue(templates.passwordReset(user, LINK));
    expect(calls()).toBe(0);
    expect(queue.pending()).toBe(1);
    await clock.fire();
    expect(sent).toHaveLength(1);
    expect(queue.pending()).toBe(0);
  });

  it('retries a failed send after each delay in turn, and logs each failure without the link', async () => {
    const { queue, sent, lines, clock } = setUp(2);
    queue.enqueue(templates.passwordReset(user, LINK));
    await clock.fire();
    expect(clock.delays()).toEqual([1000]);
    await clock.fire();
    expect(clock.delays()).toEqual([5000]);
    await clock.fire();
    expect(sent).toEqual([expect.stringContaining(LINK)]);
    expect(lines.map((l) => `${l.level}: ${l.message}`)).toEqual([
      'warn: mail not sent, will retry: password-reset',
      'warn: mail not sent, will retry: password-reset',
      'info: mail sent: password-reset',
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/SECRET-TOKEN|alice@example\.com|Hello/);
  });

  it('drops the mail after the last retry, saying so, and is none the worse for it', async () => {
    const { queue, sent, lines, clock } = setUp(10);
    queue.enqueue(templates.passwordReset(user, LINK));
    for (let i = 0; i < 3; i++) await clock.fire();
    expect(sent).toEqual([]);
    expect(clock.delays()).toEqual([]);
    expect(lines.at(-1)?.message).toBe('mail dropped after 3 attempts: password-reset');
    expect(queue.pending()).toBe(0);
  });

  it('drops what is still queued when closed: nothing outlives the process', async () => {
    const { queue, sent, clock } = setUp(1);
    queue.enqueue(templates.passwordReset(user, LINK));
    await clock.fire();
    queue.close();
    expect(clock.delays()).toEqual([]);
    expect(queue.pending()).toBe(0);
    await clock.fire();
    expect(sent).toEqual([]);
  });
});

describe('the templates', () => {
  it('hold the link in the text part, and in the HTML part as a link', () => {
    const mail = templates.passwordReset({ ...user, username: '<b>x</b>' }, LINK);
    expect(mail.text).toContain(`\n${LINK}\n`);
    expect(mail.html).toContain(`<a href="${LINK}">`);
    expect(mail.html).toContain('&#60;b&#62;x&#60;/b&#62;');
  });
});
