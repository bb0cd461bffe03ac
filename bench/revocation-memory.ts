import { randomUUID } from 'node:crypto';
import { createRevocationList } from '../src/auth/sessions/revocation';
import { collectGarbage } from './measure';

const heapMb = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** Heap held by the in-memory revocation list after `count` revocations, and once they have expired. */
export function benchRevocationMemory(count: number): { entries: number; heapMbAfterRevocations: number; heapMbAfterExpiry: number } {
  let now = Date.now();
  const retentionMs = 15 * 60_000 + 60_000;
  const list = createRevocationList({ clock: { now: () => now }, retentionMs });
  const before = heapMb();
  // Ids as they really arrive, parsed from a notification or a row: flat strings. (randomUUID's
  // own strings are ropes several times larger, which would overstate the figure.)
  const id = () => JSON.parse(`"${randomUUID()}"`) as string;
  for (let i = 0; i < count; i += 1) {
    list.apply(i % 10 === 0 ? { kind: 'user', userId: id(), minVersion: 1, at: now } : { kind: 'session', sessionId: id(), at: now });
  }
  const { sessions, users } = list.size();
  const afterRevocations = heapMb() - before;
  now += retentionMs + 1;
  list.apply({ kind: 'session', sessionId: id(), at: now });
  const afterExpiry = heapMb() - before;
  // Growth over the heap before; the bench's own garbage collected meanwhile can make it negative.
  const mb = (growth: number) => Math.max(0, Math.round(growth * 10) / 10);
  return { entries: sessions + users, heapMbAfterRevocations: mb(afterRevocations), heapMbAfterExpiry: mb(afterExpiry) };
}
