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
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { user { id username } }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken mfaRequired user { id username } }\n  }\n": typeof types.LoginDocument,
    "\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n": typeof types.VerifyTotpDocument,
    "\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n": typeof types.UseRecoveryCodeDocument,
    "\n  mutation Refresh($refreshToken: String!) {\n    refresh(refreshToken: $refreshToken) { accessToken refreshToken }\n  }\n": typeof types.RefreshDocument,
    "\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n": typeof types.LogoutDocument,
    "\n  query Me {\n    me { id username email role }\n  }\n": typeof types.MeDocument,
};
const documents: Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { user { id username } }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken mfaRequired user { id username } }\n  }\n": types.LoginDocument,
    "\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n": types.VerifyTotpDocument,
    "\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n": types.UseRecoveryCodeDocument,
    "\n  mutation Refresh($refreshToken: String!) {\n    refresh(refreshToken: $refreshToken) { accessToken refreshToken }\n  }\n": types.RefreshDocument,
    "\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  query Me {\n    me { id username email role }\n  }\n": types.MeDocument,
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
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { user { id username } }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation VerifyTotp($code: String!) {\n    verifyTotp(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n"): (typeof documents)["\n  mutation UseRecoveryCode($code: String!) {\n    useRecoveryCode(code: $code) { accessToken refreshToken mfaRequired user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Refresh($refreshToken: String!) {\n    refresh(refreshToken: $refreshToken) { accessToken refreshToken }\n  }\n"): (typeof documents)["\n  mutation Refresh($refreshToken: String!) {\n    refresh(refreshToken: $refreshToken) { accessToken refreshToken }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n"): (typeof documents)["\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id username email role }\n  }\n"): (typeof documents)["\n  query Me {\n    me { id username email role }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;