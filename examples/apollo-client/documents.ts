import { graphql } from './gql/index';

// Typed by `npm run codegen` (client preset): results and variables are checked against the schema.

export const RegisterDocument = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { user { id username } }
  }
`);

export const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken refreshToken mfaRequired user { id username } }
  }
`);

export const VerifyTotpDocument = graphql(`
  mutation VerifyTotp($code: String!) {
    verifyTotp(code: $code) { accessToken refreshToken mfaRequired user { id username } }
  }
`);

export const UseRecoveryCodeDocument = graphql(`
  mutation UseRecoveryCode($code: String!) {
    useRecoveryCode(code: $code) { accessToken refreshToken mfaRequired user { id username } }
  }
`);

export const RefreshDocument = graphql(`
  mutation Refresh($refreshToken: String!) {
    refresh(refreshToken: $refreshToken) { accessToken refreshToken }
  }
`);

export const LogoutDocument = graphql(`
  mutation Logout($refreshToken: String) {
    logout(refreshToken: $refreshToken)
  }
`);

export const MeDocument = graphql(`
  query Me {
    me { id username email role }
  }
`);
