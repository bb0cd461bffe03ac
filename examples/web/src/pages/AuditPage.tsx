import { useQuery } from '@apollo/client/react';
import { MyAuditEventsDocument } from '../documents';
import { ErrorNote } from '../errors';

const PAGE = 20;

/** What an action means to the account's owner. */
const LABELS: Readonly<Record<string, string>> = {
  REGISTERED: 'Account created',
  LOGGED_IN: 'Signed in',
  LOGIN_FAILED: 'Failed sign-in',
  LOGGED_OUT: 'Signed out',
  LOGGED_OUT_EVERYWHERE: 'Signed out everywhere',
  SESSION_REVOKED: 'Session revoked',
  REFRESH_TOKEN_REUSED: 'Stolen session ended (a spent token was used again)',
  PASSWORD_CHANGED: 'Password changed',
  PASSWORD_RESET_REQUESTED: 'Password reset requested',
  PASSWORD_RESET: 'Password reset',
  EMAIL_VERIFIED: 'Email address confirmed',
  EMAIL_CHANGE_REQUESTED: 'Change of email address requested',
  EMAIL_CHANGED: 'Email address changed',
  MFA_ENABLED: 'Two-step verification turned on',
  MFA_DISABLED: 'Two-step verification turned off',
  MFA_FAILED: 'Wrong two-step code',
  RECOVERY_CODE_USED: 'Recovery code used',
  REAUTHENTICATED: 'Password confirmed',
  ROLE_CHANGED: 'Role changed',
  DISABLED: 'Account disabled',
  ENABLED: 'Account enabled',
  ACCOUNT_DELETED: 'Account deleted',
};

/** The account's own security events (`me { auditEvents }`), newest first, a page at a time. */
export function AuditPage() {
  const { data, error, loading, fetchMore } = useQuery(MyAuditEventsDocument, { variables: { first: PAGE }, fetchPolicy: 'network-only' });
  const me = data?.me;
  const connection = me?.auditEvents;
  if (!connection) return <section className="card">{error ? <ErrorNote error={error} /> : <p>Loading…</p>}</section>;

  return (
    <section className="card wide" aria-label="Activity">
      <h1>Activity</h1>
      <table>
        <thead>
          <tr>
            <th>What</th>
            <th>When</th>
            <th>IP</th>
            <th>By</th>
          </tr>
        </thead>
        <tbody>
          {connection.edges.map(({ node }) => (
            <tr key={node.id} data-testid="audit-event" data-action={node.action}>
              <td>{LABELS[node.action] ?? node.action}</td>
              <td>{new Date(node.at).toLocaleString()}</td>
              <td>{node.ip ?? '—'}</td>
              <td>{node.actorId === null ? '—' : node.actorId === me.id ? 'you' : 'an administrator'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {connection.pageInfo.hasNextPage && (
        <div className="actions">
          <button
            type="button"
            disabled={loading}
            onClick={() =>
              void fetchMore({
                variables: { after: connection.pageInfo.endCursor },
                // The next page goes below the ones shown.
                updateQuery: (shown, { fetchMoreResult }) => {
                  const older = fetchMoreResult.me?.auditEvents;
                  const current = shown.me?.auditEvents;
                  if (!older || !current || !shown.me) return shown;
                  return { me: { ...shown.me, auditEvents: { ...older, edges: [...current.edges, ...older.edges] } } };
                },
              })
            }
          >
            Older
          </button>
        </div>
      )}
    </section>
  );
}
