import { useMutation } from '@apollo/client/react';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { ConfirmTotpDocument, DisableMfaDocument, EnrollTotpDocument } from '../documents';
import { ErrorNote, reasonOf } from '../errors';
import { ReauthenticateForm } from './ReauthenticateForm';

/** Turning the authenticator app on (QR code, then a code to confirm) or off; both need a recent sign-in. */
export function TotpSection({ enabled, onChange }: { enabled: boolean; onChange: () => void }) {
  const [enroll, enrolling] = useMutation(EnrollTotpDocument);
  const [confirm, confirming] = useMutation(ConfirmTotpDocument);
  const [disable, disabling] = useMutation(DisableMfaDocument);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<readonly string[]>();
  const [retry, setRetry] = useState<() => void>();

  // enrollTotp, confirmTotp and disableMfa want a sign-in of the last 5 minutes: prove the password, then retry.
  const guarded = (run: () => Promise<unknown>) => () =>
    void run().catch((error: unknown) => {
      if (reasonOf(error).reason === 'REAUTHENTICATION_REQUIRED') setRetry(() => () => void run().catch(() => undefined));
    });

  if (retry) return <ReauthenticateForm onDone={() => (setRetry(undefined), retry())} onCancel={() => setRetry(undefined)} />;

  if (recoveryCodes) {
    return (
      <section className="card wide" aria-label="Recovery codes">
        <h2>Two-step verification is on</h2>
        <p>Keep these recovery codes somewhere safe. Each one works once, if you lose your phone. They are shown only now.</p>
        <ul className="codes" data-testid="recovery-codes">
          {recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <button type="button" onClick={() => (setRecoveryCodes(undefined), onChange())}>
          Done
        </button>
      </section>
    );
  }

  const enrollment = enrolling.data?.enrollTotp;
  return (
    <section className="card wide" aria-label="Two-step verification">
      <h2>Two-step verification</h2>
      {enabled ? (
        <>
          <p>
            <span className="badge ok">on</span> Signing in asks for a code from your authenticator app.
          </p>
          <button type="button" className="danger" disabled={disabling.loading} onClick={guarded(async () => (await disable(), onChange()))}>
            Turn off
          </button>
          <ErrorNote error={disabling.error} />
        </>
      ) : enrollment ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            guarded(async () => {
              const { data } = await confirm({ variables: { code } });
              if (data) setRecoveryCodes(data.confirmTotp.codes);
            })();
          }}
        >
          <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
          <div className="qr" data-testid="totp-qr">
            <QRCodeSVG value={enrollment.uri} size={192} marginSize={2} title="TOTP enrollment QR code" />
          </div>
          <p className="secret">
            Or type this key: <code data-testid="totp-secret">{enrollment.secret}</code>
          </p>
          <label>
            Code
            <input name="code" autoComplete="one-time-code" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} required />
          </label>
          <ErrorNote error={confirming.error} />
          <button type="submit" disabled={confirming.loading}>
            Turn on
          </button>
        </form>
      ) : (
        <>
          <p>Add a second step to signing in: a code from an authenticator app on your phone.</p>
          <button type="button" disabled={enrolling.loading} onClick={guarded(() => enroll())}>
            Set up authenticator app
          </button>
          <ErrorNote error={enrolling.error} />
        </>
      )}
    </section>
  );
}
