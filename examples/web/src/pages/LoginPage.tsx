import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { LoginDocument } from '../documents';
import { ErrorNote } from '../errors';
import { Link, navigate } from '../router';
import { accessToken } from '../session/access-token';
import { signedIn } from '../session/sign-in';
import { SecondFactorForm } from './SecondFactorForm';

export function LoginPage() {
  const [login, { loading, error }] = useMutation(LoginDocument);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const pending = accessToken.get()?.mfaRequired === true;

  // The password was right and the account has a second factor: the same session awaits the code.
  if (pending) return <SecondFactorForm onDone={() => navigate('/')} />;

  return (
    <form
      className="card"
      onSubmit={async (event) => {
        event.preventDefault();
        const { data } = await login({ variables: { input: { username, password } } }).catch(() => ({ data: undefined }));
        if (!data) return;
        signedIn(data.login);
        if (!data.login.mfaRequired) navigate('/');
      }}
    >
      <h1>Log in</h1>
      <label>
        Username or email
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <ErrorNote error={error} />
      <button type="submit" disabled={loading}>
        Log in
      </button>
      <p className="links">
        <Link to="/forgot-password">Forgot your password?</Link> · <Link to="/register">Create an account</Link>
      </p>
    </form>
  );
}
