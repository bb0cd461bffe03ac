import type { Services } from '../../auth/services';
import { type AuthEvents, reported } from '../auth-events';
import { actorOf, payloadOf as payload, principalOf } from '../context';
import type { MutationResolvers } from '../generated/resolvers-types';

export function mutationResolvers({ auth, sessions, users, signingKeys, mfa, secondFactor, accounts }: Services, events: AuthEvents): MutationResolvers {
  return {
    async register(_, { input }, context, info) {
      return payload(context, info, await auth.register(input, context.client));
    },

    async login(_, { input }, context, info) {
      return payload(context, info, await reported(events.login, auth.login(input, context.client)));
    },

    async refresh(_, { refreshToken }, context, info) {
      const token = context.refreshTokens.tokenToRefresh(refreshToken);
      return payload(context, info, await reported(events.refresh, auth.refresh(token, context.client)));
    },

    async logout(_, { refreshToken }, context) {
      // A session pending its second factor may log out too.
      const caller = context.auth.pending ?? context.auth;
      const ended = await auth.logout(context.refreshTokens.tokenToEnd(refreshToken), caller.ok ? caller.principal : undefined, context.client);
      context.refreshTokens.ended();
      return ended;
    },

    async logoutAll(_, __, context, info) {
      const ended = await sessions.logoutAll(principalOf(context, info), context.client);
      context.refreshTokens.ended();
      return ended;
    },

    async changePassword(_, { input }, context, info) {
      return payload(context, info, await auth.changePassword(principalOf(context, info), input, context.client));
    },

    revokeSession(_, { id }, context, info) {
      return sessions.revoke(principalOf(context, info), id, context.client);
    },

    setUserRole(_, { userId, role }, context, info) {
      return users.setRole(userId, role, actorOf(context, info));
    },

    setUserDisabled(_, { userId, disabled }, context, info) {
      return users.setDisabled(userId, disabled, actorOf(context, info));
    },

    async deleteAccount(_, { currentPassword }, context, info) {
      const deleted = await accounts.deleteAccount(principalOf(context, info), currentPassword, actorOf(context, info));
      // Its sessions are gone with it: a web app's cookie goes too.
      context.refreshTokens.ended();
      return deleted;
    },

    deleteUser(_, { userId }, context, info) {
      return accounts.deleteUser(userId, actorOf(context, info));
    },

    rotateSigningKey: (_, __, context, info) => signingKeys.rotate(actorOf(context, info)),

    revokeSigningKey: (_, { kid }, context, info) => signingKeys.revoke(kid, actorOf(context, info)),

    enrollTotp: (_, __, context, info) => mfa.enroll(principalOf(context, info)),

    async confirmTotp(_, { code }, context, info) {
      return { codes: await mfa.confirm(principalOf(context, info), code, context.client) };
    },

    disableMfa: (_, __, context, info) => mfa.disable(principalOf(context, info), context.client),

    async regenerateRecoveryCodes(_, __, context, info) {
      return { codes: await mfa.regenerateRecoveryCodes(principalOf(context, info)) };
    },

    async verifyTotp(_, { code }, context, info) {
      return payload(context, info, await secondFactor.verifyTotp(principalOf(context, info), code, context.client));
    },

    async useRecoveryCode(_, { code }, context, info) {
      return payload(context, info, await secondFactor.useRecoveryCode(principalOf(context, info), code, context.client));
    },

    async reauthenticate(_, { password, code }, context, info) {
      return payload(context, info, await secondFactor.reauthenticate(principalOf(context, info), password, code ?? undefined, context.client));
    },

    resetMfa: (_, { userId }, context, info) => mfa.reset(userId, actorOf(context, info)),
  };
}
