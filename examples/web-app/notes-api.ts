// Calls the Notes API with the session's access token, renewing the token once when the API refuses it.
import type { Configuration } from 'openid-client';
import { AccessRemoved, notesApiToken } from './gatehouse-client.js';
import type { SignedIn } from './sessions.js';
import type { WebAppSettings } from './settings.js';

export interface Note {
  readonly title: string;
  readonly body: string;
}

/** What the Notes API says about the signed-in person. */
export interface NotesAnswer {
  readonly subject: string;
  readonly notes: readonly Note[];
}

/** The Notes API could not be used (down, or refusing even a fresh token): the page says so and carries on. */
export class NotesUnavailable extends Error {
  override readonly name = 'NotesUnavailable';
}

const isNote = (value: unknown): value is Note =>
  typeof value === 'object' && value !== null && typeof (value as Note).title === 'string' && typeof (value as Note).body === 'string';

/** The API's answer is input like any other: only the expected shape is used. */
function readAnswer(body: unknown): NotesAnswer {
  const answer = body as Partial<Record<keyof NotesAnswer, unknown>> | null;
  if (typeof answer?.subject !== 'string' || !Array.isArray(answer.notes) || !answer.notes.every(isNote)) {
    throw new NotesUnavailable('the Notes API answered something other than notes');
  }
  return { subject: answer.subject, notes: answer.notes };
}

async function getNotes(settings: WebAppSettings, accessToken: string): Promise<Response> {
  try {
    // RFC 6750 §2.1: the token goes in the Authorization header, never in the URL.
    return await fetch(`${settings.notesApiUrl}/notes`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new NotesUnavailable('the Notes API could not be reached', { cause: error });
  }
}

/** An access token for the API; Gatehouse down or answering an error other than invalid_grant is NotesUnavailable too. */
async function accessToken(config: Configuration, settings: WebAppSettings, session: SignedIn, renew: boolean): Promise<string> {
  try {
    return (await notesApiToken(config, settings, session, renew)).value;
  } catch (error) {
    if (error instanceof AccessRemoved) throw error;
    throw new NotesUnavailable('Gatehouse could not renew the access token', { cause: error });
  }
}

/**
 * The person's notes. @throws AccessRemoved (from the refresh) when Gatehouse no longer grants access,
 * NotesUnavailable when the API cannot answer
 */
export async function fetchNotes(config: Configuration, settings: WebAppSettings, session: SignedIn): Promise<NotesAnswer> {
  let response = await getNotes(settings, await accessToken(config, settings, session, false));
  // RFC 6750 §3.1: 401 is an expired or revoked token; a renewed one may be accepted, so try once more.
  if (response.status === 401) response = await getNotes(settings, await accessToken(config, settings, session, true));
  if (!response.ok) throw new NotesUnavailable(`the Notes API answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new NotesUnavailable('the Notes API answered with unreadable JSON', { cause: error });
  }
  return readAnswer(body);
}
