import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ChangePasswordDocument } from '../documents';
import { ErrorNote } from '../errors';
import { signedIn } from '../session/sign-in';

export function ChangePasswordForm() {
  const [change, { loading, error, data }] = useMutation(ChangePasswordDocument);
  const [input, setInput] = useState({ currentPassword: '', newPassword: '' });

  return (
    <form
      className="card wide"
      aria-label="Change password"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await change({ variables: { input } }).catch(() => undefined);
        if (!result?.data) return;
        // Every other session ended; this one goes on with a fresh pair (the cookie too).
        signedIn(result.data.changePassword);
        setInput({ currentPassword: '', newPassword: '' });
      }}
    >
      <h2>Password</h2>
      <label>
        Current password
        <input name="currentPassword" type="password" autoComplete="current-password" value={input.currentPassword} onChange={(e) => setInput({ ...input, currentPassword: e.target.value })} required />
      </label>
      <label>
        New password
        <input name="newPassword" type="password" autoComplete="new-password" minLength={8} value={input.newPassword} onChange={(e) => setInput({ ...input, newPassword: e.target.value })} required />
      </label>
      <ErrorNote error={error} />
      {data && (
        <p className="note" role="status">
          Password changed. Your other devices have been signed out.
        </p>
      )}
      <button type="submit" disabled={loading}>
        Change password
      </button>
    </form>
  );
}
