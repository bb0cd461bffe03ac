import { useMutation } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { VerifyEmailDocument } from '../documents';
import { ErrorNote } from '../errors';
import { Link, tokenParam } from '../router';

/** Opened from the verification mail: APP_URL/verify-email?token=… */
export function VerifyEmailPage() {
  const [verify, { data, error }] = useMutation(VerifyEmailDocument);
  // Once: a link's token works once (React's development mode runs effects twice).
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    void verify({ variables: { token: tokenParam() } }).catch(() => undefined);
  }, [verify]);

  return (
    <section className="card">
      <h1>Email address</h1>
      {data?.verifyEmail && (
        <p className="note" role="status">
          Your address is confirmed.
        </p>
      )}
      <ErrorNote error={error} />
      {!data && !error && <p>Confirming…</p>}
      <p className="links">
        <Link to="/">Go to your account</Link>
      </p>
    </section>
  );
}
