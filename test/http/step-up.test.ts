// Step-up login cannot be skipped: prompt=login, max_age, a disabled user or a changed session hold at every step that
// leads to a code (authorize, resume, consent shown and decided), for third- and first-party clients alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { authorizeUrl, epochNow, hiddenFields, plantSession, redirectParameters, registerClient, type RequestOverrides } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { PASSWORD, postLogin, seedUser } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const HOUR_AGO = (): number => epochNow() - 3600;

forEachEngine((engine) => {
  describe('step-up login', () => {
    const suite = useTestServer(engine);
    const store = () => suite.database.store;

    /** A browser signed in an hour ago, sent by /authorize to the login page of a new interaction. */
    async function sentToLogin(client: ClientRecord, overrides: RequestOverrides, user?: UserRecord) {
      const person = user ?? (await seedUser(store()));
      const browser = new BrowserLike(suite.server.url);
      await plantSession(store(), suite.server.config, browser, person, { authTime: HOUR_AGO() });
      const response = await browser.get(authorizeUrl(client, overrides));
      const location = new URL(response.headers.get('location') ?? '', suite.server.url);
      assert.equal(`${response.status} ${location.pathname}`, '303 /login', 'the request needs a fresh login');
      const interaction = location.searchParams.get('interaction')!;
      // The interaction cookie carries the form token, as the login page's hidden field would.
      const csrfToken = browser.cookie('gatehouse_interaction')!.split('.')[1]!;
      return { browser, person, interaction, csrfToken };
    }

    function assertSentToLogin(response: Response, interaction: string): void {
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location') ?? '', suite.server.url);
      assert.equal(location.pathname, '/login', `sent to log in, not ${location.href}`);
      assert.equal(location.searchParams.get('interaction'), interaction);
    }

    async function codesIssuedTo(person: UserRecord): Promise<number> {
      return (await suite.database.sql(`select code_hash from authorization_codes where user_id = '${person.userId}'`)).length;
    }

    for (const overrides of [{ prompt: 'login' }, { max_age: '0' }, { max_age: '60' }] as const) {
      const label = Object.entries(overrides).map(([name, value]) => `${name}=${value}`).join('');
      it(`${label}: opening the consent URL instead of logging in shows no page, decides nothing and issues no code`, async () => {
        const client = await registerClient(store());
        const { browser, person, interaction, csrfToken } = await sentToLogin(client, overrides);
        assertSentToLogin(await browser.get(`/consent?interaction=${interaction}`), interaction);
        assertSentToLogin(await browser.postForm('/consent', { interaction, csrf_token: csrfToken, decision: 'allow' }), interaction);
        assertSentToLogin(await browser.get(`/authorize/resume?interaction=${interaction}`), interaction);
        assert.equal(await codesIssuedTo(person), 0);
        assert.equal(await store().consents.find(person.userId, client.clientId), undefined, 'no consent recorded');
      });
    }

    it('prompt=login with a first-party client: resuming without logging in goes back to the login page', async () => {
      const client = await registerClient(store(), { firstParty: true });
      const { browser, person, interaction } = await sentToLogin(client, { prompt: 'login' });
      assertSentToLogin(await browser.get(`/authorize/resume?interaction=${interaction}`), interaction);
      assert.equal(await codesIssuedTo(person), 0);
    });

    it('a login made for the interaction satisfies prompt=login: consent, then a code with the new auth_time', async () => {
      const client = await registerClient(store());
      const { browser, person, interaction, csrfToken } = await sentToLogin(client, { prompt: 'login', max_age: '0' });
      const loggedInAt = epochNow();
      const login = await postLogin({ browser, interactionId: interaction, csrfToken }, { username: person.username, password: PASSWORD });
      const consentPage = await browser.follow(login);
      assert.equal(consentPage.status, 200, 'the consent page');
      const code = redirectParameters(await browser.postForm('/consent', { ...hiddenFields(await consentPage.text()), decision: 'allow' })).get('code')!;
      const [row] = await suite.database.sql(`select auth_time from authorization_codes where code_hash = '${hashOpaqueValue(code)}'`);
      assert.ok(Number(row!.auth_time) >= loggedInAt, 'auth_time is the fresh login');
    });

    it('prompt=consent shows the consent page even to a first-party client', async () => {
      const client = await registerClient(store(), { firstParty: true });
      const browser = new BrowserLike(suite.server.url);
      await plantSession(store(), suite.server.config, browser, await seedUser(store()));
      const page = await browser.follow(await browser.get(authorizeUrl(client, { prompt: 'consent' })));
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Allow access\?/);
    });

    it('a user disabled while signed in is sent to log in, at authorize and on the consent page', async () => {
      const client = await registerClient(store());
      const person = await seedUser(store());
      const browser = new BrowserLike(suite.server.url);
      await plantSession(store(), suite.server.config, browser, person);
      const consent = await browser.get(authorizeUrl(client));
      assert.equal(new URL(consent.headers.get('location')!).pathname, '/consent');
      const interaction = new URL(consent.headers.get('location')!).searchParams.get('interaction')!;
      // Disabled behind the session's back (no session ended), as a second instance might see it.
      await suite.database.sql(`update users set disabled_at = ${epochNow()} where user_id = '${person.userId}'`);
      assertSentToLogin(await browser.get(`/consent?interaction=${interaction}`), interaction);
      const fresh = await browser.get(authorizeUrl(client));
      assert.equal(new URL(fresh.headers.get('location')!).pathname, '/login');
      assert.equal(await codesIssuedTo(person), 0);
    });

    it('consent offered to one session is not decided by another: the request starts over for the new session', async () => {
      const client = await registerClient(store());
      const [first, second] = [await seedUser(store()), await seedUser(store())];
      const browser = new BrowserLike(suite.server.url);
      await plantSession(store(), suite.server.config, browser, first);
      const fields = hiddenFields(await (await browser.follow(await browser.get(authorizeUrl(client)))).text());
      await plantSession(store(), suite.server.config, browser, second);
      const decided = await browser.postForm('/consent', { ...fields, decision: 'allow' });
      assert.equal(decided.status, 303);
      assert.equal(new URL(decided.headers.get('location')!).pathname, '/authorize/resume');
      const page = await browser.follow(decided);
      assert.ok((await page.text()).includes(second.username), 'consent is asked again, of the session now signed in');
      assert.equal(await codesIssuedTo(first), 0);
      assert.equal(await codesIssuedTo(second), 0);
    });
  });
});
