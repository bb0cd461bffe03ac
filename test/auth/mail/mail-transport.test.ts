import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { outboxTransport } from '../../../src/auth/mail/mail-transport';
import type { OutgoingMail } from '../../../src/auth/mail/templates';

const mail = (i: number): OutgoingMail => ({
  kind: 'password-reset',
  userId: '00000000-0000-4000-8000-000000000000',
  to: `reader_${i}@example.com`,
  subject: 'Reset your password',
  text: 'x'.repeat(50_000),
  html: `<p>${'y'.repeat(50_000)}</p>`,
});

describe('the outbox transport', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('never shows a half-written mail: an .eml file is whole from the moment it appears', async () => {
    const outbox = outboxTransport(join(dir, 'outbox'));
    let sending = true;
    const sent = Promise.all(Array.from({ length: 20 }, (_, i) => outbox.send(mail(i), 'Gatehouse <gatehouse@localhost>'))).finally(() => {
      sending = false;
    });
    // A reader (a mail client, a test) polling the folder at every turn of the event loop while the mails are written.
    const partial: string[] = [];
    while (sending) {
      const names = readdirSync(dir).includes('outbox') ? readdirSync(join(dir, 'outbox')).filter((n) => n.endsWith('.eml')) : [];
      for (const name of names) {
        const raw = readFileSync(join(dir, 'outbox', name), 'utf8');
        if (!/^To: reader_\d+@example\.com$/m.test(raw) || !raw.trimEnd().endsWith('--')) partial.push(`${name}: ${raw.length} bytes`);
      }
      await nextTurn();
    }
    await sent;
    outbox.close();
    expect(partial).toEqual([]);
    const files = readdirSync(join(dir, 'outbox'));
    expect(files.filter((n) => n.endsWith('.eml'))).toHaveLength(20);
    expect(files.filter((n) => !n.endsWith('.eml'))).toEqual([]);
    for (const name of files) expect(statSync(join(dir, 'outbox', name)).mode & 0o777).toBe(0o600);
  });
});
