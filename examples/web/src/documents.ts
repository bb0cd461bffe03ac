import { graphql } from './gql/index';

// Typed by `npm run codegen` (client preset): results and variables are checked against the schema.
// No document selects `refreshToken`: from this app's origin it is always null (it is a cookie).

export const RegisterDocument = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { accessToken mfaRequired user { id username } }
  }
`);

export const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken mfaRequired user { id username } }
  }
`);

export const VerifyTotpDocument = graphql(`
  mutation VerifyTotp($code: String!) {
    verifyTotp(code: $code) { accessToken mfaRequired user { id username } }
  }
`);

export const UseRecoveryCodeDocument = graphql(`
  mutation UseRecoveryCode($code: String!) {
    useRecoveryCode(code: $code) { accessToken mfaRequired user { id username } }
  }
`);

export const RefreshDocument = graphql(`
  mutation Refresh {
    refresh { accessToken mfaRequired user { id username } }
  }
`);

export const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

export const LogoutAllDocument = graphql(`
  mutation LogoutAll {
    logoutAll
  }
`);

export const MeDocument = graphql(`
  query Me {
    me {
      id
      username
      email
      emailVerified
      role
      mfaEnabled
      createdAt
      sessions { id current createdAt lastUsedAt expiresAt userAgent ip }
    }
  }
`);

export const RevokeSessionDocument = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

export const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) { accessToken mfaRequired user { id username } }
  }
`);

export const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

export const ResetPasswordDocument = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) { accessToken mfaRequired user { id username } }
  }
`);

export const VerifyEmailDocument = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token)
  }
`);

export const RequestEmailVerificationDocument = graphql(`
  mutation RequestEmailVerification {
    requestEmailVerification
  }
`);

export const EnrollTotpDocument = graphql(`
  mutation EnrollTotp {
    enrollTotp { uri secret }
  }
`);

export const ConfirmTotpDocument = graphql(`
  mutation ConfirmTotp($code: String!) {
    confirmTotp(code: $code) { codes }
  }
`);

export const ReauthenticateDocument = graphql(`
  mutation Reauthenticate($password: String!, $code: String) {
    reauthenticate(password: $password, code: $code) { accessToken mfaRequired user { id username } }
  }
`);

export const DisableMfaDocument = graphql(`
  mutation DisableMfa {
    disableMfa
  }
`);

export const MyAuditEventsDocument = graphql(`
  query MyAuditEvents($first: Int, $after: String) {
    me {
      id
      auditEvents(first: $first, after: $after) {
        edges { cursor node { id action at ip userAgent actorId } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

export const DeleteAccountDocument = graphql(`
  mutation DeleteAccount($currentPassword: String!) {
    deleteAccount(currentPassword: $currentPassword)
  }
`);
