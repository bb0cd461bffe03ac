import type { AuditAction, AuditEventRow } from './schema';

/** One event to record. Never a password, token, code, secret, or a login name that was typed. */
export interface NewAuditEvent {
  readonly action: AuditAction;
  readonly at: Date;
  /** The account it is about; null for a failed login of a name with no account, and for key events. */
  readonly userId: string | null;
  /** Who caused it: the account itself, an ADMIN, or null (the service, or an unknown caller). */
  readonly actorId: string | null;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

/** Where a page of events starts: the last event of the page before, newest first. */
export interface AuditKey {
  readonly at: Date;
  /** The order of recording, which settles events of the same instant. */
  readonly seq: number;
}

/** The audit log. Events are written by the repositories' callers inside the transaction of the change they describe. */
export interface AuditRepository {
  record(events: readonly NewAuditEvent[]): Promise<void>;

  /** Newest first, `limit` events after `after`: everyone's, or one account's when `userId` is given. */
  page(userId: string | undefined, limit: number, after: AuditKey | undefined): Promise<AuditEventRow[]>;

  /** The newest `limit` events after `after` of each of `userIds`, in one query (a page of users). */
  pageOfEach(userIds: readonly string[], limit: number, after: AuditKey | undefined): Promise<AuditEventRow[]>;

  /** Erases the IP and user agent of every event about the account (its deletion). */
  forgetClientOf(userId: string): Promise<void>;

  /** Accounts deleted after `since`: their access tokens must stop, also on an instance starting now. */
  deletedSince(since: Date): Promise<{ userId: string; at: Date }[]>;

  /** Deletes up to `limit` events older than `before`; how many. */
  sweepOlderThan(before: Date, limit: number): Promise<number>;
}
