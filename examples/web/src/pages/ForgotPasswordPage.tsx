import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { RequestPasswordResetDocument } from '../documents';
import { ErrorNote } from '../errors';
import { Link } from '../router';

export function ForgotPasswordPage() {
  const [request, { loading, error, data }] = useMutation(RequestPasswordResetDocument);
  const [email, setEmail] = useState('');

  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        void request({ variables: { email } }).catch(() => undefined);
      }}
    >
      <h1>Forgot your password?</h1>
      {data ? (
        // The same answer whether or not an account has this address.
        <p className="note" role="status">
          If an account has this address, a link to choose a new password is on its way.
        </p>
      ) : (
        <>
          <label>
            Email
            <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <ErrorNote error={error} />
          <button type="submit" disabled={loading}>
            Send me a link
          </button>
        </>
      )}
      <p className="links">
        <Link to="/login">Back to log in</Link>
      </p>
    </form>
  );
}
