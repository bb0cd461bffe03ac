import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { MeDocument, RequestEmailVerificationDocument, RevokeSessionDocument } from '../documents';
import { ErrorNote } from '../errors';
import { signOut } from '../session/sign-in';

const when = (iso: string) => new Date(iso).toLocaleString();

export function AccountPage() {
  const client = useApolloClient();
  const { data, error, refetch } = useQuery(MeDocument, { fetchPolicy: 'network-only' });
  const [revoke, revoking] = useMutation(RevokeSessionDocument);
  const [requestVerification, verification] = useMutation(RequestEmailVerificationDocument);
  const me = data?.me;

  if (!me) return <section className="card">{error ? <ErrorNote error={error} /> : <p>Loading…</p>}</section>;

  return (
    <>
      <section className="card wide" aria-label="Profile">
        <h1>{me.username}</h1>
        <dl>
          <dt>Email</dt>
          <dd>
            {me.email}{' '}
            {me.emailVerified ? (
              <span className="badge ok" data-testid="email-verified">
                verified
              </span>
            ) : (
              <>
                <span className="badge">not verified</span>{' '}
                <button type="button" className="link" disabled={verification.called} onClick={() => void requestVerification().catch(() => undefined)}>
                  {verification.data ? 'Link sent' : 'Send the link again'}
                </button>
              </>
            )}
          </dd>
          <dt>Role</dt>
          <dd>{me.role}</dd>
          <dt>Two-step verification</dt>
          <dd>{me.mfaEnabled ? <span className="badge ok">on</span> : <span className="badge">off</span>}</dd>
          <dt>Member since</dt>
          <dd>{when(me.createdAt)}</dd>
        </dl>
      </section>

      <section className="card wide" aria-label="Sessions">
        <h2>Where you are signed in</h2>
        <table>
          <thead>
            <tr>
              <th>Device</th>
              <th>IP</th>
              <th>Signed in</th>
              <th>Last active</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(me.sessions ?? []).map((session) => (
              <tr key={session.id} data-testid="session" data-current={session.current}>
                <td>
                  {browserOf(session.userAgent)} {session.current && <span className="badge ok">this device</span>}
                </td>
                <td>{session.ip ?? '—'}</td>
                <td>{when(session.createdAt)}</td>
                <td>{when(session.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    disabled={revoking.loading}
                    onClick={async () => {
                      await revoke({ variables: { id: session.id } });
                      if (session.current) await signOut(client);
                      else await refetch();
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ErrorNote error={revoking.error} />
        <div className="actions">
          <button type="button" onClick={() => void refetch()}>
            Reload
          </button>
          <button type="button" onClick={() => void signOut(client)}>
            Log out
          </button>
          <button type="button" className="danger" onClick={() => void signOut(client, true)}>
            Log out everywhere
          </button>
        </div>
      </section>
    </>
  );
}

/** A short name for a User-Agent: enough to tell one's devices apart. */
function browserOf(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[1]?.replace('Edg', 'Edge') ?? 'Browser';
  const system = /\(([^;)]+)/.exec(userAgent)?.[1] ?? '';
  return system ? `${browser} on ${system}` : browser;
}
