// GET /login shows the login form of an interaction; POST /login checks the credentials and starts the session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../../app.js';
import { CSRF_FIELD, findInteraction, resumeLocation, verifyInteractionCsrf, type Interaction } from '../../authorize/interactions.js';
import { InvalidCsrfToken, InvalidInteraction } from '../../errors/oauth-errors.js';
import { startSession } from '../../sessions/sessions.js';
import type { ClientRecord } from '../../store/records.js';
import { renderLoginPage, type LoginNotice } from '../../ui/login-page.js';
import { attemptLogin, type LoginDeps } from '../../users/login.js';
import { LoginThrottle } from '../../users/login-throttle.js';
import { eventContext } from '../event-context.js';
import { readParameters } from '../parameters.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';
import { sendPage } from '../send-page.js';
import { setSessionCookie } from '../session-cookie.js';

export const LOGIN_PATH = '/login';

const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

/** The live interaction this browser started, with its client; anything else is one fixed error page. */
async function loadInteraction(
  context: RouteContext,
  request: FastifyRequest,
  id: string | undefined,
  now: number,
): Promise<{ interaction: Interaction; client: ClientRecord }> {
  // SECURITY.md: the interaction is bound to the browser that started it (checked by findInteraction).
  const interaction = await findInteraction({ store: context.store, issuer: context.config.issuer }, request.cookies, id, now);
  if (interaction === undefined) throw new InvalidInteraction();
  const client = await context.clients.find(interaction.record.request.clientId);
  if (client === undefined) throw new InvalidInteraction();
  return { interaction, client };
}

function sendLoginPage(
  reply: FastifyReply,
  { interaction, client }: { interaction: Interaction; client: ClientRecord },
  username: string | null,
  notice?: LoginNotice,
): FastifyReply {
  const page = renderLoginPage({
    clientName: client.clientName,
    interactionId: interaction.id,
    csrfToken: interaction.csrfToken,
    username,
    notice,
    // A successful login ends in a redirect to the client; the page's form-action must allow that redirect too.
    formActions: [interaction.record.request.redirectUri],
  });
  if (notice?.kind !== 'throttled') return sendPage(reply, page);
  // SECURITY.md (brute force): the person is told how long to wait, and so is any client of the HTTP response.
  return sendPage(reply.header('retry-after', String(notice.retryAfter)), page, 429);
}

export function registerLoginRoutes(app: FastifyInstance, context: RouteContext): void {
  const maxBytes = context.config.limits.parameterBytes;
  const loginDeps: LoginDeps = { store: context.store, events: context.events, throttle: new LoginThrottle(context.store.loginThrottle, context.config.rateLimits) };

  app.get(LOGIN_PATH, { config: { errorChannel: 'page' } }, async (request, reply) => {
    const loaded = await loadInteraction(context, request, readParameters(request.query, maxBytes).get('interaction'), nowInSeconds());
    return sendLoginPage(reply, loaded, loaded.interaction.record.request.loginHint);
  });

  app.post(LOGIN_PATH, { config: { errorChannel: 'page' } }, async (request, reply) => {
    const now = nowInSeconds();
    const form = readParameters(request.body, maxBytes);
    const loaded = await loadInteraction(context, request, form.get('interaction'), now);
    // SECURITY.md (anti-CSRF): the form must carry this interaction's token.
    if (!verifyInteractionCsrf(loaded.interaction, form.get(CSRF_FIELD))) throw new InvalidCsrfToken();
    const username = form.get('username') ?? '';
    const attempt = { username, password: form.get('password') ?? '', ip: request.ip, clientId: loaded.client.clientId };
    const events = eventContext(request);
    const result = await attemptLogin(loginDeps, attempt, events, now);
    if (result.outcome === 'failed') return sendLoginPage(reply, loaded, username, { kind: 'invalid' });
    if (result.outcome === 'throttled') return sendLoginPage(reply, loaded, username, { kind: 'throttled', retryAfter: result.lock.retryAfter });
    // SECURITY.md (no fixation): a new session and cookie value at every login; the browser's previous session ends.
    const started = await startSession(context, request.cookies, result.user.userId, now);
    if (started.previous !== undefined) context.events.emit({ type: 'session.ended', userId: started.previous.userId }, events);
    setSessionCookie(reply, context.config, started.cookieValue);
    return reply.code(303).header('location', resumeLocation(context.config.issuer, loaded.interaction.id)).header('cache-control', 'no-store').send();
  });

  rejectOtherMethods(app, LOGIN_PATH, ['GET', 'POST']);
}
