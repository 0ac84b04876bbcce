// GET /login shows the login form of an interaction; POST /login checks the credentials: a thin adapter over src/authorize.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { showLoginPage, submitLogin, type LoginFlowDeps } from '../../authorize/login.js';
import { readParameters } from '../../protocol/parameters.js';
import { DeviceCookies } from '../../users/device-cookies.js';
import { HashingSlots } from '../../users/hashing-slots.js';
import { argon2Passwords, limitPasswordHashing, type LoginDeps } from '../../users/login.js';
import { LoginThrottle } from '../../users/login-throttle.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const LOGIN_PATH = '/login';

/** Returns the credential check it built, for the account page's current-password check to share. */
export function registerLoginRoutes(app: FastifyInstance, context: RouteContext): LoginDeps {
  const deps: LoginFlowDeps = { ...context, login: loginDeps(context) };
  const options = { config: { errorChannel: 'page' as const } };

  app.get(LOGIN_PATH, options, async (request, reply) => {
    const interactionId = readParameters(request.query, context.config.limits.parameterBytes).get('interaction');
    return sendFlowReply(request, reply, await showLoginPage(deps, interactionId, requestInfo(request)));
  });
  app.post(LOGIN_PATH, options, async (request, reply) => sendFlowReply(request, reply, await submitLogin(deps, request.body, requestInfo(request))));
  rejectOtherMethods(app, LOGIN_PATH, ['GET', 'POST']);
  return deps.login;
}

/** The credential check's dependencies: one set of hashing slots per process, since each process has its own thread pool. */
function loginDeps(context: RouteContext): LoginDeps {
  const { config } = context;
  const slots = new HashingSlots(config.limits.concurrentPasswordHashes, config.limits.passwordHashQueueTimeout);
  return {
    store: context.store,
    events: context.events,
    throttle: new LoginThrottle(context.store.loginThrottle, config.rateLimits),
    deviceCookies: new DeviceCookies(context.deviceCookieSignatures, config.rateLimits.deviceCookieTtl),
    passwords: limitPasswordHashing(context.passwords ?? argon2Passwords, slots),
  };
}
