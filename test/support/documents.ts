/**
 * The GraphQL documents the tests send, and the shapes of what comes back. Each operation is named
 * as a client would name it (logs and metrics report that name), and each variable after the
 * argument it fills. A test about a selection (which fields a payload resolves, which fields a rule
 * denies) writes that document beside it instead.
 */

/** What register, login, refresh and changePassword select: the pair, and whose it is. */
const AUTH_PAYLOAD = 'accessToken refreshToken user { id }';

export const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { ${AUTH_PAYLOAD} }
}`;
export const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { ${AUTH_PAYLOAD} }
}`;
export const REFRESH = `mutation Refresh($refreshToken: String!) {
  refresh(refreshToken: $refreshToken) { ${AUTH_PAYLOAD} }
}`;
export const LOGOUT = `mutation Logout($refreshToken: String) { logout(refreshToken: $refreshToken) }`;
export const LOGOUT_ALL = `mutation LogoutAll { logoutAll }`;
export const CHANGE_PASSWORD = `mutation ChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) { ${AUTH_PAYLOAD} }
}`;
export const REVOKE_SESSION = `mutation RevokeSession($id: ID!) { revokeSession(id: $id) }`;
export const SET_USER_ROLE = `mutation SetUserRole($userId: ID!, $role: Role!) {
  setUserRole(userId: $userId, role: $role) { id role disabled }
}`;
export const SET_USER_DISABLED = `mutation SetUserDisabled($userId: ID!, $disabled: Boolean!) {
  setUserDisabled(userId: $userId, disabled: $disabled) { id disabled }
}`;

export const REQUEST_PASSWORD_RESET = `mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }`;
export const RESET_PASSWORD = `mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) { ${AUTH_PAYLOAD} }
}`;
export const VERIFY_EMAIL = `mutation VerifyEmail($token: String!) { verifyEmail(token: $token) }`;
export const REQUEST_EMAIL_VERIFICATION = `mutation RequestEmailVerification { requestEmailVerification }`;
export const CHANGE_EMAIL = `mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {
  changeEmail(newEmail: $newEmail, currentPassword: $currentPassword)
}`;
export const SEND_PASSWORD_RESET = `mutation SendPasswordReset($userId: ID!) { sendPasswordReset(userId: $userId) }`;

export const DELETE_ACCOUNT = `mutation DeleteAccount($currentPassword: String!) { deleteAccount(currentPassword: $currentPassword) }`;
export const DELETE_USER = `mutation DeleteUser($userId: ID!) { deleteUser(userId: $userId) }`;

export const ME = `query Me { me { id username } }`;
const AUDIT_CONNECTION = 'edges { cursor node { id action at userId actorId ip userAgent } } pageInfo { hasNextPage endCursor }';
export const MY_AUDIT_EVENTS = `query MyAuditEvents($first: Int, $after: String) { me { auditEvents(first: $first, after: $after) { ${AUDIT_CONNECTION} } } }`;
export const AUDIT_EVENTS = `query AuditEvents($userId: ID, $first: Int, $after: String) { auditEvents(userId: $userId, first: $first, after: $after) { ${AUDIT_CONNECTION} } }`;
export const USER_AUDIT_EVENTS = `query UserAuditEvents($id: ID!, $first: Int) { user(id: $id) { auditEvents(first: $first) { ${AUDIT_CONNECTION} } } }`;
export const USERS_AUDIT_EVENTS = `query UsersAuditEvents($first: Int) { users(first: $first) { edges { node { id auditEvents(first: 3) { edges { node { action userId } } } } } } }`;
export const MY_EMAIL = `query MyEmail { me { email emailVerified } }`;
export const MY_SESSIONS = `query MySessions { me { sessions { id current createdAt lastUsedAt expiresAt userAgent ip } } }`;
export const USER = `query User($id: ID!) { user(id: $id) { id username role } }`;
/** ADMIN only: what a test asks to see whether a token carries the ADMIN role. */
export const USERS_TOTAL = `query Users { users { totalCount } }`;

/** An answer as executeOperation gives it, or as the body of an HTTP response. */
export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; path?: ErrorPath; extensions?: Record<string, unknown> }[];
}

/** An answer over HTTP: its status and its body. */
export interface HttpResult {
  readonly status: number;
  readonly body: GraphQLResult;
}

export type ErrorPath = readonly (string | number)[];

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** What register, login, refresh and changePassword answer, as AUTH_PAYLOAD selects it. */
export interface AuthPayload extends TokenPair {
  readonly user: { readonly id: string };
}

/**
 * RegisterInput, with a password the test knows, to log in with or to look for in logs. A type
 * rather than an interface, so that it passes as GraphQL variables (a Record<string, unknown>).
 */
export type Account = {
  readonly username: string;
  readonly email: string;
  readonly password: string;
};

/** A user registered through the API, with the pair register gave it. */
export interface Registered extends Account, TokenPair {
  readonly id: string;
  /** Where the user registered from. */
  readonly ip: string;
}
