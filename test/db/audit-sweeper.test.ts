import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createAuditRepository } from '../../src/db/audit-events';
import { createAuditSweeper } from '../../src/db/audit-sweeper';
import type { DatabaseHandle } from '../../src/db/client';
import { auditEvents } from '../../src/db/schema';
import { databaseKinds, openTestDatabase } from '../support/databases';
import { FakeClock } from '../support/fake-clock';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;

/** Events older than AUDIT_RETENTION are deleted, in batches, when the sweeper is told of activity; younger ones stay. */
describe.each(databaseKinds())('audit retention on %s', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  it('deletes the events past retention, a batch at a time, and keeps the rest', async () => {
    const clock = new FakeClock();
    const audit = createAuditRepository(database.db);
    const userId = randomUUID();
    const at = (daysAgo: number) => new Date(clock.now() - daysAgo * DAY);
    const event = (daysAgo: number) => ({ action: 'LOGGED_IN' as const, at: at(daysAgo), userId, actorId: userId, ip: '192.0.2.1', userAgent: 'jest' });
    await audit.record([event(400), event(380), event(366), event(364), event(1)]);
    const ages = async () => (await database.db.select({ at: auditEvents.at }).from(auditEvents).where(eq(auditEvents.userId, userId))).map((r) => Math.round((clock.now() - r.at.getTime()) / DAY)).sort((a, b) => a - b);

    // Two of three stale events go in one batch; the sweep then runs again at once.
    expect(await audit.sweepOlderThan(at(365), 2)).toBe(2);
    expect((await ages()).filter((d) => d > 365)).toHaveLength(1);

    const sweeper = createAuditSweeper(audit, clock, 365 * DAY);
    sweeper.tidy();
    await waitFor(async () => (await ages()).every((d) => d <= 365), 'the last stale event swept');
    expect(await ages()).toEqual([1, 364]);
  });
});
