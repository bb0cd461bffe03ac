import { type AnchorHTMLAttributes, useEffect, useState } from 'react';

/** A router of a few lines: the path of the address bar, and links that change it without a reload. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return path;
}

export function navigate(to: string): void {
  if (window.location.pathname + window.location.search === to) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function Link({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  return (
    <a
      href={to}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
      {...rest}
    />
  );
}

/** The `token` of a mailed link (…/reset-password?token=…). */
export function tokenParam(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}
