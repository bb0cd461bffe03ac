import { useApolloClient, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { DeleteAccountDocument } from '../documents';
import { ErrorNote } from '../errors';
import { signOut } from '../session/sign-in';

/** Deletes the account for good, after its current password; every tab is then signed out. */
export function DeleteAccountForm() {
  const client = useApolloClient();
  const [remove, { loading, error }] = useMutation(DeleteAccountDocument);
  const [currentPassword, setCurrentPassword] = useState('');

  return (
    <form
      className="card wide"
      aria-label="Delete account"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await remove({ variables: { currentPassword } }).catch(() => undefined);
        if (result?.data?.deleteAccount) await signOut(client);
      }}
    >
      <h2>Delete account</h2>
      <p className="note">Your account, its sessions and its second factor are deleted at once. This cannot be undone.</p>
      <label>
        Current password
        <input name="deletePassword" type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrentPassword(e.target.value)} required />
      </label>
      <ErrorNote error={error} />
      <button type="submit" className="danger" disabled={loading}>
        Delete my account
      </button>
    </form>
  );
}
