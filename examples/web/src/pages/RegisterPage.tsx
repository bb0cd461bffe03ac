import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { RegisterDocument } from '../documents';
import { ErrorNote } from '../errors';
import { Link, navigate } from '../router';
import { signedIn } from '../session/sign-in';

export function RegisterPage() {
  const [register, { loading, error }] = useMutation(RegisterDocument);
  const [input, setInput] = useState({ username: '', email: '', password: '' });
  const field = (name: keyof typeof input) => ({ name, value: input[name], onChange: (e: { target: { value: string } }) => setInput({ ...input, [name]: e.target.value }), required: true });

  return (
    <form
      className="card"
      onSubmit={async (event) => {
        event.preventDefault();
        const { data } = await register({ variables: { input } }).catch(() => ({ data: undefined }));
        if (!data) return;
        signedIn(data.register);
        navigate('/');
      }}
    >
      <h1>Create an account</h1>
      <label>
        Username
        <input autoComplete="username" {...field('username')} />
      </label>
      <label>
        Email
        <input type="email" autoComplete="email" {...field('email')} />
      </label>
      <label>
        Password (8 characters or more)
        <input type="password" autoComplete="new-password" minLength={8} {...field('password')} />
      </label>
      <ErrorNote error={error} />
      <button type="submit" disabled={loading}>
        Sign up
      </button>
      <p className="links">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </form>
  );
}
