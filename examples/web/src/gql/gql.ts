/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.LoginDocument,
    "\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.VerifyTotpDocument,
    "\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.UseRecoveryCodeDocument,
    "\n  mutation Refresh {\n    refresh { accessToken mfaRequired user { id username } }\n  }\n": typeof types.RefreshDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation LogoutAll {\n    logoutAll\n  }\n": typeof types.LogoutAllDocument,
    "\n  query Me {\n    me {\n      id\n      username\n      email\n      emailVerified\n      role\n      mfaEnabled\n      createdAt\n      sessions { id current createdAt lastUsedAt expiresAt userAgent ip }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n": typeof types.RequestEmailVerificationDocument,
    "\n  mutation EnrollTotp {\n    enrollTotp { uri secret }\n  }\n": typeof types.EnrollTotpDocument,
    "\n  mutation ConfirmTotp($code: String!) {\n    confirmTotp(code: $code) { codes }\n  }\n": typeof types.ConfirmTotpDocument,
    "\n  mutation Reauthenticate($password: String!, $code: String) {\n    reauthenticate(password: $password, code: $code) { accessToken mfaRequired user { id username } }\n  }\n": typeof types.ReauthenticateDocument,
    "\n  mutation DisableMfa {\n    disableMfa\n  }\n": typeof types.DisableMfaDocument,
    "\n  query MyAuditEvents($first: Int, $after: String) {\n    me {\n      id\n      auditEvents(first: $first, after: $after) {\n        edges { cursor node { id action at ip userAgent actorId } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": typeof types.MyAuditEventsDocument,
    "\n  mutation DeleteAccount($currentPassword: String!) {\n    deleteAccount(currentPassword: $currentPassword)\n  }\n": typeof types.DeleteAccountDocument,
};
const documents: Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { accessToken mfaRequired user { id username } }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken mfaRequired user { id username } }\n  }\n": types.LoginDocument,
    "\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken mfaRequired user { id username } }\n  }\n": types.VerifyTotpDocument,
    "\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken mfaRequired user { id username } }\n  }\n": types.UseRecoveryCodeDocument,
    "\n  mutation Refresh {\n    refresh { accessToken mfaRequired user { id username } }\n  }\n": types.RefreshDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation LogoutAll {\n    logoutAll\n  }\n": types.LogoutAllDocument,
    "\n  query Me {\n    me {\n      id\n      username\n      email\n      emailVerified\n      role\n      mfaEnabled\n      createdAt\n      sessions { id current createdAt lastUsedAt expiresAt userAgent ip }\n    }\n  }\n": types.MeDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.RevokeSessionDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { accessToken mfaRequired user { id username } }\n  }\n": types.ChangePasswordDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) { accessToken mfaRequired user { id username } }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n": types.VerifyEmailDocument,
    "\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n": types.RequestEmailVerificationDocument,
    "\n  mutation EnrollTotp {\n    enrollTotp { uri secret }\n  }\n": types.EnrollTotpDocument,
    "\n  mutation ConfirmTotp($code: String!) {\n    confirmTotp(code: $code) { codes }\n  }\n": types.ConfirmTotpDocument,
    "\n  mutation Reauthenticate($password: String!, $code: String) {\n    reauthenticate(password: $password, code: $code) { accessToken mfaRequired user { id username } }\n  }\n": types.ReauthenticateDocument,
    "\n  mutation DisableMfa {\n    disableMfa\n  }\n": types.DisableMfaDocument,
    "\n  query MyAuditEvents($first: Int, $after: String) {\n    me {\n      id\n      auditEvents(first: $first, after: $after) {\n        edges { cursor node { id action at ip userAgent actorId } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": types.MyAuditEventsDocument,
    "\n  mutation DeleteAccount($currentPassword: String!) {\n    deleteAccount(currentPassword: $currentPassword)\n  }\n": types.DeleteAccountDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Refresh {\n    refresh { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation Refresh {\n    refresh { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogoutAll {\n    logoutAll\n  }\n"): (typeof documents)["\n  mutation LogoutAll {\n    logoutAll\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      username\n      email\n      emailVerified\n      role\n      mfaEnabled\n      createdAt\n      sessions { id current createdAt lastUsedAt expiresAt userAgent ip }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      username\n      email\n      emailVerified\n      role\n      mfaEnabled\n      createdAt\n      sessions { id current createdAt lastUsedAt expiresAt userAgent ip }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n"): (typeof documents)["\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnrollTotp {\n    enrollTotp { uri secret }\n  }\n"): (typeof documents)["\n  mutation EnrollTotp {\n    enrollTotp { uri secret }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotp($code: String!) {\n    confirmTotp(code: $code) { codes }\n  }\n"): (typeof documents)["\n  mutation ConfirmTotp($code: String!) {\n    confirmTotp(code: $code) { codes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reauthenticate($password: String!, $code: String) {\n    reauthenticate(password: $password, code: $code) { accessToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation Reauthenticate($password: String!, $code: String) {\n    reauthenticate(password: $password, code: $code) { accessToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableMfa {\n    disableMfa\n  }\n"): (typeof documents)["\n  mutation DisableMfa {\n    disableMfa\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyAuditEvents($first: Int, $after: String) {\n    me {\n      id\n      auditEvents(first: $first, after: $after) {\n        edges { cursor node { id action at ip userAgent actorId } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyAuditEvents($first: Int, $after: String) {\n    me {\n      id\n      auditEvents(first: $first, after: $after) {\n        edges { cursor node { id action at ip userAgent actorId } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAccount($currentPassword: String!) {\n    deleteAccount(currentPassword: $currentPassword)\n  }\n"): (typeof documents)["\n  mutation DeleteAccount($currentPassword: String!) {\n    deleteAccount(currentPassword: $currentPassword)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;