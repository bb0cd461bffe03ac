import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ResetPasswordDocument } from '../documents';
import { ErrorNote } from '../errors';
import { navigate, tokenParam } from '../router';
import { signedIn } from '../session/sign-in';

/** Opened from the reset mail: APP_URL/reset-password?token=… */
export function ResetPasswordPage() {
  const [reset, { loading, error }] = useMutation(ResetPasswordDocument);
  const [newPassword, setNewPassword] = useState('');

  return (
    <form
      className="card"
      onSubmit={async (event) => {
        event.preventDefault();
        const { data } = await reset({ variables: { token: tokenParam(), newPassword } }).catch(() => ({ data: undefined }));
        if (!data) return;
        // Every other session has ended; this one is new (pending its second factor, if the account has one).
        signedIn(data.resetPassword);
        navigate(data.resetPassword.mfaRequired ? '/login' : '/');
      }}
    >
      <h1>Choose a new password</h1>
      <label>
        New password
        <input name="newPassword" type="password" autoComplete="new-password" minLength={8} value={newPassword} onChange={(e) => setNewPassword(e.target.value)} required />
      </label>
      <ErrorNote error={error} />
      <button type="submit" disabled={loading}>
        Set password
      </button>
    </form>
  );
}
