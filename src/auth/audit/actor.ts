import { type AuditClient, NO_CLIENT } from './audit-event';

/** Who asks for a change, for the audit log: an account (an ADMIN, or the account itself) from a client, or the service. */
export interface Actor {
  readonly id: string | null;
  readonly client: AuditClient;
}

/** The service itself (start-up, the command line, a timer). */
export const SERVICE: Actor = Object.freeze({ id: null, client: NO_CLIENT });

export function actor(id: string, client: AuditClient): Actor {
  return { id, client };
}
