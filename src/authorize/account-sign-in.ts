// Signing in to Gatehouse's own account page: an interaction that carries no authorization request, so the same
// login page, throttling and session start serve it, and a successful login returns to the account page.
import { seeOther, type FlowReply } from '../protocol/flow.js';
import { completeInteraction, createInteraction, interactionLocation, type AnyInteraction, type InteractionDeps } from './interactions.js';

export const ACCOUNT_PATH = '/account';

/** The account page's URL under the issuer. */
export function accountLocation(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}${ACCOUNT_PATH}`;
}

/** Sends a browser without a session to the login page, bound to it by the interaction cookie like any sign-in. */
export async function beginAccountSignIn(deps: InteractionDeps, now: number): Promise<FlowReply> {
  const { interaction, setCookie } = await createInteraction(deps, null, { awaiting: 'login', loginSessionId: null, consentSessionId: null }, null, now);
  return seeOther(interactionLocation(deps.issuer, '/login', interaction.id), [setCookie]);
}

/** After the login: the sign-in is used up (single use, like every interaction) and the browser goes to the account page. */
export async function finishAccountSignIn(deps: InteractionDeps, interaction: AnyInteraction, now: number, cookies: readonly string[]): Promise<FlowReply | undefined> {
  if (!(await completeInteraction(deps, interaction, now))) return undefined;
  return seeOther(accountLocation(deps.issuer), cookies);
}
