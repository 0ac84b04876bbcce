// `gatehouse probe`: one synthetic login through a running issuer, as a relying party and a browser would make it,
// step by step; the result says how long each step took and, on failure, which step failed and why.
import { buildAuthorizationRequest, readAuthorizationResponse } from './authorization-request.js';
import { exchangeCode, fetchUserInfo, refreshTokens, revokeRefreshToken } from './client-requests.js';
import { discover } from './discovery.js';
import { openLoginForm, submitConsent, submitLogin, type Landing } from './interaction.js';
import { ProbeHttp } from './probe-http.js';
import type { ProbeSettings } from './probe-settings.js';
import { ProbeStopped, StepRecorder, type StepOutcome } from './step-recorder.js';
import { fetchAndVerifyIdToken } from './id-token-step.js';

export interface ProbeResult {
  readonly issuer: string;
  readonly success: boolean;
  readonly steps: readonly StepOutcome[];
  /** Epoch seconds when the run started. */
  readonly startedAt: number;
}

export async function runProbe(settings: ProbeSettings, userAgent: string): Promise<ProbeResult> {
  const startedAt = Date.now() / 1000;
  const recorder = new StepRecorder(settings.timeoutSeconds);
  recorder.conceal(settings.password);
  recorder.conceal(settings.client.clientSecret);
  try {
    await runSteps(settings, recorder, new ProbeHttp(userAgent));
  } catch (error) {
    if (!(error instanceof ProbeStopped)) throw error;
  }
  const success = recorder.outcomes.every((outcome) => outcome.status !== 'failed');
  return { issuer: settings.issuer, success, steps: recorder.outcomes, startedAt };
}

async function runSteps(settings: ProbeSettings, recorder: StepRecorder, http: ProbeHttp): Promise<void> {
  const { client } = settings;
  const metadata = await recorder.run('discovery', (signal) => discover(http, settings.issuer, signal));
  const request = buildAuthorizationRequest(metadata, settings);
  const loginForm = await recorder.run('authorize', (signal) => openLoginForm(http, request, client.redirectUri, signal));
  const credentials = { username: settings.username, password: settings.password };
  const landing: Landing = await recorder.run('login', (signal) => submitLogin(http, loginForm, credentials, client.redirectUri, signal));
  let location: URL;
  if (landing.kind === 'page') location = await recorder.run('consent', (signal) => submitConsent(http, landing, client.redirectUri, signal));
  else {
    // Consent given before, or a first-party client: the login led straight back to the client.
    recorder.skip('consent', 'not asked (remembered or first-party)');
    location = landing.location;
  }
  recorder.conceal(location.searchParams.get('code') ?? undefined);
  const code = await recorder.run('redirect', () => Promise.resolve(readAuthorizationResponse(location, request, metadata)));
  const tokens = await recorder.run('token', (signal) => exchangeCode(http, metadata, client, { code, codeVerifier: request.codeVerifier }, signal));
  for (const token of [tokens.accessToken, tokens.idToken, tokens.refreshToken]) recorder.conceal(token);
  const idToken = { idToken: tokens.idToken, nonce: request.nonce, clockTolerance: settings.clockToleranceSeconds };
  const subject = await recorder.run('id_token', (signal) => fetchAndVerifyIdToken(http, metadata, client.clientId, idToken, signal));
  await recorder.run('userinfo', (signal) => fetchUserInfo(http, metadata, tokens.accessToken, subject, signal));
  const rotated = await recorder.run('refresh', (signal) => refreshTokens(http, metadata, client, tokens.refreshToken, signal));
  recorder.conceal(rotated);
  await recorder.run('revocation', (signal) => revokeRefreshToken(http, metadata, client, rotated, signal));
}
