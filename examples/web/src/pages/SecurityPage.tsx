import { useQuery } from '@apollo/client/react';
import { MeDocument } from '../documents';
import { ChangePasswordForm } from './ChangePasswordForm';
import { DeleteAccountForm } from './DeleteAccountForm';
import { TotpSection } from './TotpSection';

export function SecurityPage() {
  const { data, refetch } = useQuery(MeDocument, { fetchPolicy: 'network-only' });
  return (
    <>
      <ChangePasswordForm />
      {data?.me && <TotpSection enabled={data.me.mfaEnabled === true} onChange={() => void refetch()} />}
      <DeleteAccountForm />
    </>
  );
}
