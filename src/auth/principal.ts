import type { Role } from '../db/schema';

export type { Role };

/** Who a verified access token speaks for. */
export interface Principal {
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
}
