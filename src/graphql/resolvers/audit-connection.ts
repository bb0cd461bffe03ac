import type { AuditPage } from '../../auth/audit/audit-service';

/** A page of events as the SDL's AuditEventConnection. */
export function connection(page: AuditPage) {
  return { edges: page.edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null } };
}
