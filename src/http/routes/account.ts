// GET /account and its forms (remove access, sign out a session or everywhere, change password): thin adapters over src/account.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../../app.js';
import { signOutEverywhere, signOutSession, removeAccess } from '../../account/account-actions.js';
import { showAccountPage } from '../../account/account-page.js';
import { changePassword } from '../../account/change-password.js';
import type { AccountDeps, FormSource } from '../../account/signed-in.js';
import { ACCOUNT_PATH } from '../../authorize/account-sign-in.js';
import type { FlowReply, RequestInfo } from '../../protocol/flow.js';
import type { LoginDeps } from '../../users/login.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

type AccountForm = (deps: AccountDeps, body: unknown, info: RequestInfo, source: FormSource) => Promise<FlowReply>;

const FORMS: Readonly<Record<string, AccountForm>> = {
  [`${ACCOUNT_PATH}/applications/remove`]: removeAccess,
  [`${ACCOUNT_PATH}/sessions/sign-out`]: signOutSession,
  [`${ACCOUNT_PATH}/sessions/sign-out-everywhere`]: signOutEverywhere,
  [`${ACCOUNT_PATH}/password`]: changePassword,
};

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** `login`: the login routes' credential check, so the current password shares their throttle and hashing slots. */
export function registerAccountRoutes(app: FastifyInstance, context: RouteContext, login: LoginDeps): void {
  const deps: AccountDeps = { ...context, login };
  const options = { config: { errorChannel: 'page' as const } };
  app.get(ACCOUNT_PATH, options, async (request, reply) => sendFlowReply(request, reply, await showAccountPage(deps, request.query, requestInfo(request))));
  rejectOtherMethods(app, ACCOUNT_PATH, ['GET']);
  for (const [path, form] of Object.entries(FORMS)) {
    app.post(path, options, async (request, reply) => {
      const source = { origin: header(request, 'origin'), fetchSite: header(request, 'sec-fetch-site') };
      return sendFlowReply(request, reply, await form(deps, request.body, requestInfo(request), source));
    });
    rejectOtherMethods(app, path, ['POST']);
  }
}
