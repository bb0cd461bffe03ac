import type { Clock } from '../clock';
import type { AuditRepository } from './audit-repository';
import { createSweeper, type Sweeper } from './sweeper';

const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 1_000;

/** Keeps the audit log to AUDIT_RETENTION: now and then, when told of a sign-in, deletes a batch of older events. */
export function createAuditSweeper(audit: Pick<AuditRepository, 'sweepOlderThan'>, clock: Clock, retentionMs: number): Sweeper {
  return createSweeper({ clock, everyMs: SWEEP_EVERY_MS, batch: SWEEP_BATCH, sweep: (batch) => audit.sweepOlderThan(new Date(clock.now() - retentionMs), batch) });
}
