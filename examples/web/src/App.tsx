import { useApolloClient } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { AccountPage } from './pages/AccountPage';
import { AuditPage } from './pages/AuditPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { LoginPage } from './pages/LoginPage';
import { RegisterPage } from './pages/RegisterPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { SecurityPage } from './pages/SecurityPage';
import { VerifyEmailPage } from './pages/VerifyEmailPage';
import { Link, navigate, usePath } from './router';
import { accessToken, type SignedIn } from './session/access-token';
import { resume, signOut } from './session/sign-in';

const PUBLIC = new Set(['/login', '/register', '/forgot-password', '/reset-password', '/verify-email']);

export function App() {
  const client = useApolloClient();
  const path = usePath();
  const [state, setState] = useState<SignedIn | null | 'starting'>('starting');

  useEffect(() => {
    const unsubscribe = accessToken.subscribe((next) => {
      setState(next);
      if (next === null) void client.clearStore();
    });
    // A reload: the refresh cookie (if the browser has one) brings the session back.
    void resume()
      .catch(() => false)
      .then(() => setState(accessToken.get()));
    return unsubscribe;
  }, [client]);

  const signedIn = state !== 'starting' && state !== null && !state.mfaRequired;
  useEffect(() => {
    if (state === 'starting') return;
    if (!signedIn && !PUBLIC.has(path)) navigate('/login');
    if (signedIn && (path === '/login' || path === '/register')) navigate('/');
  }, [state, signedIn, path]);

  if (state === 'starting') return <p className="starting">Loading…</p>;

  return (
    <div className="shell">
      <header>
        <strong className="brand">Gatehouse</strong>
        {signedIn ? (
          <nav>
            <Link to="/">Account</Link>
            <Link to="/security">Security</Link>
            <Link to="/audit">Activity</Link>
            <span className="who">{state.user.username}</span>
            <button type="button" onClick={() => void signOut(client)}>
              Log out
            </button>
          </nav>
        ) : (
          <nav>
            <Link to="/login">Log in</Link>
            <Link to="/register">Sign up</Link>
          </nav>
        )}
      </header>
      <main>{page(path, signedIn)}</main>
    </div>
  );
}

function page(path: string, signedIn: boolean) {
  switch (path) {
    case '/reset-password':
      return <ResetPasswordPage />;
    case '/verify-email':
      return <VerifyEmailPage />;
    case '/forgot-password':
      return <ForgotPasswordPage />;
    case '/register':
      return <RegisterPage />;
    case '/login':
      return <LoginPage />;
  }
  if (!signedIn) return <LoginPage />;
  if (path === '/security') return <SecurityPage />;
  if (path === '/audit') return <AuditPage />;
  return <AccountPage />;
}
