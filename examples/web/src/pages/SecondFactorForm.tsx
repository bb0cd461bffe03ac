import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { UseRecoveryCodeDocument, VerifyTotpDocument } from '../documents';
import { ErrorNote } from '../errors';
import { accessToken } from '../session/access-token';
import { signedIn, signOut } from '../session/sign-in';
import { useApolloClient } from '@apollo/client/react';

/** The second step of a sign-in: a code of the authenticator app, or a recovery code. */
export function SecondFactorForm({ onDone }: { onDone: () => void }) {
  const client = useApolloClient();
  const [verifyTotp, totp] = useMutation(VerifyTotpDocument);
  const [useRecoveryCode, recovery] = useMutation(UseRecoveryCodeDocument);
  const [code, setCode] = useState('');
  const [withRecovery, setWithRecovery] = useState(false);
  const name = accessToken.get()?.user.username;

  return (
    <form
      className="card"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = withRecovery
          ? await useRecoveryCode({ variables: { code } }).then((r) => r.data?.useRecoveryCode, () => undefined)
          : await verifyTotp({ variables: { code } }).then((r) => r.data?.verifyTotp, () => undefined);
        if (!result) return;
        signedIn(result);
        onDone();
      }}
    >
      <h1>Two-step verification</h1>
      <p>Hello {name}: {withRecovery ? 'enter one of your recovery codes.' : 'enter the 6-digit code from your authenticator app.'}</p>
      <label>
        {withRecovery ? 'Recovery code' : 'Code'}
        <input name="code" autoComplete="one-time-code" inputMode={withRecovery ? 'text' : 'numeric'} value={code} onChange={(e) => setCode(e.target.value)} required />
      </label>
      <ErrorNote error={withRecovery ? recovery.error : totp.error} />
      <button type="submit" disabled={totp.loading || recovery.loading}>
        Verify
      </button>
      <p className="links">
        <button type="button" className="link" onClick={() => setWithRecovery(!withRecovery)}>
          {withRecovery ? 'Use the authenticator app' : 'Use a recovery code'}
        </button>{' '}
        ·{' '}
        <button type="button" className="link" onClick={() => void signOut(client)}>
          Cancel
        </button>
      </p>
    </form>
  );
}
