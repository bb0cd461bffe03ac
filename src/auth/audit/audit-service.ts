import type { AuditKey, AuditRepository } from '../../db/audit-repository';
import type { AuditEventRow } from '../../db/schema';
import { InputError } from '../../errors';
import { isId } from '../ids';
import { decodePageCursor, encodePageCursor } from '../page-cursor';

export interface AuditPage {
  readonly edges: readonly { readonly cursor: string; readonly node: AuditEventRow }[];
  readonly hasNextPage: boolean;
}

/** Reading the audit log; who may read what is the schema's @auth. */
export interface AuditService {
  /** Newest first, `first` in 1..100, after an opaque cursor: everyone's, or one account's. */
  page(userId: string | undefined, first: number, after: string | null | undefined): Promise<AuditPage>;

  /** The same page of each account, in the order of `userIds`, from one query. */
  pagesOf(userIds: readonly string[], first: number, after: string | null | undefined): Promise<AuditPage[]>;
}

export function createAuditService(repository: AuditRepository): AuditService {
  const toPage = (rows: readonly AuditEventRow[], first: number): AuditPage => ({
    edges: rows.slice(0, first).map((node) => ({ cursor: encodeAuditCursor(node), node })),
    hasNextPage: rows.length > first,
  });

  return {
    async page(userId, first, after) {
      checkFirst(first);
      const key = after == null ? undefined : decodeAuditCursor(after);
      if (userId !== undefined && !isId(userId)) return { edges: [], hasNextPage: false };
      return toPage(await repository.page(userId, first + 1, key), first);
    },

    async pagesOf(userIds, first, after) {
      checkFirst(first);
      const key = after == null ? undefined : decodeAuditCursor(after);
      const rows = await repository.pageOfEach(userIds.filter(isId), first + 1, key);
      const byUser = new Map<string, AuditEventRow[]>(userIds.map((id) => [id, []]));
      for (const row of rows) if (row.userId !== null) byUser.get(row.userId)?.push(row);
      // A lateral join keeps each account's rows together but promises no order: the order is set here.
      for (const list of byUser.values()) list.sort(newestFirst);
      return userIds.map((id) => toPage(byUser.get(id)!, first));
    },
  };
}

const newestFirst = (a: AuditEventRow, b: AuditEventRow) => b.at.getTime() - a.at.getTime() || b.seq - a.seq;

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > 100) throw new InputError('first', '`first` must be 1 to 100.');
}

export const encodeAuditCursor = (key: AuditKey): string => encodePageCursor(key.at, key.seq);

const SEQ = /^[1-9][0-9]{0,14}$/;

function decodeAuditCursor(cursor: string): AuditKey {
  const { at, key } = decodePageCursor(cursor, (seq) => SEQ.test(seq));
  return { at, seq: Number(key) };
}
