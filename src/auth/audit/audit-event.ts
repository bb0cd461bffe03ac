import type { NewAuditEvent } from '../../db/audit-repository';
import type { AuditAction } from '../../db/schema';

/** Where a change came from: the caller's IP (as TRUST_PROXY resolves it) and user agent. */
export interface AuditClient {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

/** No client: the service acting by itself (a scheduled key rotation, start-up). */
export const NO_CLIENT: AuditClient = Object.freeze({ ip: undefined, userAgent: undefined });

/** An event about `userId` caused by `actorId` (the account itself, an ADMIN, or null) from `client`. */
export function auditEvent(action: AuditAction, userId: string | null, actorId: string | null, client: AuditClient, at: Date): NewAuditEvent {
  return { action, at, userId, actorId, ip: client.ip, userAgent: client.userAgent };
}
