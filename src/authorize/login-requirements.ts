// Whether the browser's signed-in person satisfies a request's login requirements (OIDC Core §3.1.2.1 and §3.1.2.3).
// Every step that can lead to a code (authorize, resume, consent shown and decided, issuance) asks this same question.
import type { Config } from '../config/schema.js';
import { findLiveSession } from '../sessions/sessions.js';
import type { RequestCookies } from '../sessions/cookies.js';
import type { AuthorizationRequestRecord, InteractionRecord, SessionRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

export interface LoginRequirementDeps {
  readonly store: Pick<Store, 'sessions' | 'users'>;
  readonly config: Pick<Config, 'issuer' | 'sessions'>;
}

/** Why the person must log in (again) before anything is issued. */
export type LoginShortfall = 'no_session' | 'user_unavailable' | 'prompt_login' | 'max_age';

/** A live session whose enabled user meets every requirement at `now`: the only thing a code may be issued on. */
export interface SatisfiedLogin {
  readonly ok: true;
  readonly session: SessionRecord;
  readonly user: UserRecord;
  readonly now: number;
}

export type LoginCheck = SatisfiedLogin | { readonly ok: false; readonly shortfall: LoginShortfall };

/**
 * Checks the browser's session against `request`. A login performed for this very interaction (its `loginSessionId`)
 * satisfies `prompt=login` and `max_age` (else `max_age=0` would loop forever); no earlier or other login does.
 */
export async function checkLoginRequirements(
  deps: LoginRequirementDeps,
  request: AuthorizationRequestRecord,
  interaction: Pick<InteractionRecord, 'loginSessionId'> | undefined,
  cookies: RequestCookies,
  now: number,
): Promise<LoginCheck> {
  const session = await findLiveSession(deps, cookies, now);
  if (session === undefined) return { ok: false, shortfall: 'no_session' };
  const user = await deps.store.users.findById(session.userId);
  // A person disabled since they logged in gets nothing more from their session.
  if (user === undefined || user.disabledAt !== null) return { ok: false, shortfall: 'user_unavailable' };
  const loggedInForThisRequest = interaction?.loginSessionId != null && interaction.loginSessionId === session.sessionId;
  if (!loggedInForThisRequest) {
    // OIDC Core §3.1.2.1: prompt=login asks the person to log in again, whatever session they have.
    if (request.prompt.includes('login')) return { ok: false, shortfall: 'prompt_login' };
    // OIDC Core §3.1.2.1: max_age bounds the seconds since the person last actively logged in.
    if (request.maxAge !== null && now - session.authTime > request.maxAge) return { ok: false, shortfall: 'max_age' };
  }
  return { ok: true, session, user, now };
}
