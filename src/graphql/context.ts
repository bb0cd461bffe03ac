import type { GraphQLResolveInfo } from 'graphql';
import { type Actor, actor } from '../auth/audit/actor';
import type { ClientInfo } from '../auth/auth-service';
import { type Authenticate, type Authentication, authenticated } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { IssuedSession } from '../auth/tokens/token-issuer';
import { tokenError } from '../errors';
import { BODY_TRANSPORT, type DeliveredSession, type RefreshTokenTransport } from './refresh-token-transport';

export interface GraphQLContext {
  /** The Bearer token, decoded once per request. */
  readonly auth: Authentication;
  readonly client: ClientInfo;
  /** For the request's log line: the X-Request-Id echoed to the client (none under executeOperation). */
  readonly requestId?: string;
  /**
   * Callers established by a mutation of this request (register, login, refresh,
   * changePassword), by the mutation's response key: its payload resolves as that user.
   */
  readonly payloadCallers: Map<string, Authentication>;
  /** Where this request's refresh tokens come from and go to: the body, or a web app's cookie. */
  readonly refreshTokens: RefreshTokenTransport;
}

export interface RequestFacts {
  readonly authorization: string | undefined;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  readonly requestId?: string;
  /** The body unless given (the HTTP layer gives a cookie's for a web app's origin). */
  readonly refreshTokens?: RefreshTokenTransport;
}

/** Never throws: a bad token only makes guarded fields fail, each with its reason. */
export async function createContext(authenticate: Authenticate, request: RequestFacts): Promise<GraphQLContext> {
  return {
    auth: await authenticate(request.authorization),
    client: { ip: request.ip, userAgent: request.userAgent },
    requestId: request.requestId,
    payloadCallers: new Map(),
    refreshTokens: request.refreshTokens ?? BODY_TRANSPORT,
  };
}

/** The caller a field resolves for: the payload's user inside an AuthPayload, else the Bearer's. */
export function callerOf(context: GraphQLContext, info: GraphQLResolveInfo): Authentication {
  if (context.payloadCallers.size === 0) return context.auth;
  let path = info.path;
  while (path.prev) path = path.prev;
  return context.payloadCallers.get(String(path.key)) ?? context.auth;
}

/**
 * For resolvers behind @auth: the directive has already refused anyone without a valid token, and
 * a session pending its second factor unless the field's rule admits it (so it is the caller here).
 */
export function principalOf(context: GraphQLContext, info: GraphQLResolveInfo): Principal {
  const caller = callerOf(context, info);
  if (caller.pending) return caller.pending.principal;
  if (!caller.ok) throw tokenError(caller.reason);
  return caller.principal;
}

/**
 * A pair issued by a mutation: its refresh token goes to the request's transport, and the rest
 * of the payload resolves as the user it signed in.
 */
export function payloadOf(context: GraphQLContext, info: GraphQLResolveInfo, issued: IssuedSession): DeliveredSession {
  actAs(context, info, issued.principal, issued.mfaRequired);
  return context.refreshTokens.issued(issued);
}

/** The caller as the audit log records who did something: their id, IP and user agent. */
export function actorOf(context: GraphQLContext, info: GraphQLResolveInfo): Actor {
  return actor(principalOf(context, info).userId, context.client);
}

/** Makes the rest of this mutation's payload resolve as `principal` (a pending one admitted only where a rule says so). */
export function actAs(context: GraphQLContext, info: GraphQLResolveInfo, principal: Principal, mfaPending = false): void {
  context.payloadCallers.set(String(info.path.key), authenticated(principal, mfaPending));
}
