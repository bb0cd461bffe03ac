import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ReauthenticateDocument } from '../documents';
import { ErrorNote } from '../errors';
import { signedIn } from '../session/sign-in';

/** Step-up: the password again (and a code, when the account has a second factor). */
export function ReauthenticateForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const [reauthenticate, { loading, error }] = useMutation(ReauthenticateDocument);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');

  return (
    <form
      className="card wide"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await reauthenticate({ variables: { password, code: code || null } }).catch(() => undefined);
        if (!result?.data) return;
        signedIn(result.data.reauthenticate);
        onDone();
      }}
    >
      <h2>Confirm it is you</h2>
      <label>
        Password
        <input name="reauthPassword" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <label>
        Code from your authenticator app (if it is on)
        <input name="reauthCode" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <ErrorNote error={error} />
      <button type="submit" disabled={loading}>
        Confirm
      </button>{' '}
      <button type="button" className="link" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
