// Interactions in isolation: the cookie's attributes per issuer, the browser binding and the CSRF check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InteractionRecord } from '../store/records.js';
import type { InteractionRepository } from '../store/store.js';
import { createInteraction, findInteraction, verifyInteractionCsrf } from './interactions.js';

function memoryInteractions(): InteractionRepository {
  const rows = new Map<string, InteractionRecord>();
  return {
    create: (record) => Promise.resolve(void rows.set(record.interactionHash, record)),
    findLive: (hash, now) => {
      const row = rows.get(hash);
      return Promise.resolve(row && row.completedAt === null && now < row.expiresAt ? row : undefined);
    },
    advance: () => Promise.resolve(false),
    complete: () => Promise.resolve(false),
    deleteExpired: () => Promise.resolve(0),
  };
}

const request = {
  clientId: 'c',
  redirectUri: 'https://client.example/cb',
  redirectUriSent: true,
  scope: 'openid',
  state: null,
  nonce: null,
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  responseMode: 'query',
  prompt: [],
  maxAge: null,
  loginHint: null,
  resources: [],
  dpopJkt: null,
} as const;

const LOGIN = { awaiting: 'login', loginSessionId: null, consentSessionId: null } as const;

const cookieValue = (setCookie: string): string => /^[^=]+=([^;]*)/.exec(setCookie)?.[1] ?? '';

describe('interactions', () => {
  it('uses a __Host- prefixed Secure cookie when the issuer is https, and a plain one on http', async () => {
    const https = await createInteraction({ store: { interactions: memoryInteractions() }, issuer: 'https://id.example' }, request, LOGIN, null, 100);
    assert.match(https.setCookie, /^__Host-gatehouse_interaction=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    const http = await createInteraction({ store: { interactions: memoryInteractions() }, issuer: 'http://127.0.0.1:4000' }, request, LOGIN, null, 100);
    assert.match(http.setCookie, /^gatehouse_interaction=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    assert.equal(https.interaction.record.expiresAt, 700);
    assert.notEqual(https.interaction.record.interactionHash, https.interaction.id, 'only the hash is stored');
  });

  it('is found only with the cookie of the browser that started it, while live', async () => {
    const deps = { store: { interactions: memoryInteractions() }, issuer: 'http://127.0.0.1:4000' };
    const { interaction, setCookie } = await createInteraction(deps, request, LOGIN, null, 100);
    const cookies = { gatehouse_interaction: cookieValue(setCookie) };
    assert.equal((await findInteraction(deps, cookies, interaction.id, 101))?.csrfToken, interaction.csrfToken);
    assert.equal(await findInteraction(deps, {}, interaction.id, 101), undefined);
    assert.equal(await findInteraction(deps, cookies, undefined, 101), undefined);
    assert.equal(await findInteraction(deps, { gatehouse_interaction: `${interaction.id}.forged` }, interaction.id, 101), undefined);
    const other = await createInteraction(deps, request, LOGIN, null, 100);
    assert.equal(await findInteraction(deps, cookies, other.interaction.id, 101), undefined);
    assert.equal(await findInteraction(deps, cookies, interaction.id, 700), undefined, 'expired');
  });

  it('accepts only the exact CSRF token', async () => {
    const { interaction } = await createInteraction({ store: { interactions: memoryInteractions() }, issuer: 'http://x' }, request, LOGIN, null, 100);
    assert.equal(verifyInteractionCsrf(interaction, interaction.csrfToken), true);
    assert.equal(verifyInteractionCsrf(interaction, undefined), false);
    assert.equal(verifyInteractionCsrf(interaction, `${interaction.csrfToken}x`), false);
    assert.equal(verifyInteractionCsrf(interaction, ''), false);
  });
});
