import type { GraphQLResolveInfo } from 'graphql';
import type { ChangePasswordInput, LoginInput, RegisterInput } from '../../auth/auth-service';
import type { Role } from '../../auth/principal';
import type { Services } from '../../auth/services';
import type { IssuedSession } from '../../auth/token-issuer';
import { actAs, type GraphQLContext, principalOf } from '../context';

type Info = GraphQLResolveInfo;

/** The payload of a mutation that established a caller resolves as that caller. */
function payload(context: GraphQLContext, info: Info, issued: IssuedSession): IssuedSession {
  actAs(context, info, issued.principal);
  return issued;
}

export function mutationResolvers({ auth, sessions, users }: Services) {
  return {
    async register(_: unknown, { input }: { input: RegisterInput }, context: GraphQLContext, info: Info) {
      return payload(context, info, await auth.register(input, context.client));
    },

    async login(_: unknown, { input }: { input: LoginInput }, context: GraphQLContext, info: Info) {
      return payload(context, info, await auth.login(input, context.client));
    },

    async refresh(_: unknown, { refreshToken }: { refreshToken: string }, context: GraphQLContext, info: Info) {
      return payload(context, info, await auth.refresh(refreshToken));
    },

    logout(_: unknown, { refreshToken }: { refreshToken?: string | null }, context: GraphQLContext) {
      return auth.logout(refreshToken ?? undefined, context.auth.ok ? context.auth.principal : undefined);
    },

    logoutAll(_: unknown, __: unknown, context: GraphQLContext, info: Info) {
      return sessions.logoutAll(principalOf(context, info));
    },

    async changePassword(_: unknown, { input }: { input: ChangePasswordInput }, context: GraphQLContext, info: Info) {
      return payload(context, info, await auth.changePassword(principalOf(context, info), input));
    },

    revokeSession(_: unknown, { id }: { id: string }, context: GraphQLContext, info: Info) {
      return sessions.revoke(principalOf(context, info), id);
    },

    setUserRole(_: unknown, { userId, role }: { userId: string; role: Role }) {
      return users.setRole(userId, role);
    },

    setUserDisabled(_: unknown, { userId, disabled }: { userId: string; disabled: boolean }) {
      return users.setDisabled(userId, disabled);
    },
  };
}
