/**
 * The account's own security events (`me { auditEvents }`). The audit log is not in the schema
 * this app is built against yet: the query and its list go here when it is.
 */
export function AuditPage() {
  return (
    <section className="card wide">
      <h1>Activity</h1>
      <p className="note" data-testid="audit-placeholder">
        Your sign-ins and security changes will be listed here.
      </p>
    </section>
  );
}
