// `gatehouse probe` as a real process against a real Gatehouse, on both engines: the whole flow passes (text and JSON),
// a wrong password fails at login, a wrong client secret at the token step, and the textfile is valid and atomic.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProbe } from '../../src/probe/run-probe.js';
import type { UserRecord } from '../../src/store/records.js';
import { jsonOf } from '../cli/run-cli.js';
import { onSqliteOnly } from '../support/database.js';
import { createClient, createUser, REDIRECT_URI, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';
import { assertFailedAt, assertNothingLeaked, runProbeCommand, stepLines } from './run-probe.js';

const PASSWORD = 'correct horse battery staple';
const STEPS = ['discovery', 'authorize', 'login', 'consent', 'redirect', 'token', 'id_token', 'userinfo', 'refresh', 'revocation'];

interface ProbeJson {
  readonly success: boolean;
  readonly failed_step: string | null;
  readonly steps: ReadonlyArray<{ readonly step: string; readonly status: string; readonly duration_ms?: number }>;
}

/** promtool, as CI installs it, is the judge of the Prometheus text format. */
function assertValidMetrics(text: string): void {
  const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(checked.status, 0, `promtool: ${checked.stdout}${checked.stderr}`);
}

onSqliteOnly((engine) => {
  describe('gatehouse probe', () => {
    const suite = useTestServer(engine);
    let folder: string;
    let user: UserRecord;
    let confidential: TestClient;

    before(async () => {
      folder = await mkdtemp(join(tmpdir(), 'gatehouse-probe-'));
      user = await createUser(suite.server);
      confidential = await createClient(suite.server, { scope: 'openid profile email offline_access' });
    });
    after(() => rm(folder, { recursive: true, force: true }));

    const probe = (args: readonly string[], secrets: { password?: string; clientSecret?: string; input?: string } = {}) =>
      runProbeCommand({
        args: ['--issuer', suite.server.config.issuer, '--client-id', confidential.client.clientId, '--redirect-uri', REDIRECT_URI, '--username', user.username, ...args],
        password: secrets.input === undefined ? (secrets.password ?? PASSWORD) : undefined,
        clientSecret: secrets.clientSecret ?? confidential.secret!,
        input: secrets.input,
        cwd: folder,
      });

    it('passes every step, consent included, and prints one line per step with its latency', async () => {
      const result = await probe([]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      const lines = stepLines(result.stdout);
      assert.deepEqual([...lines.keys()], STEPS);
      assert.ok([...lines.values()].every((outcome) => outcome === 'ok'), result.stdout);
      assert.match(result.stdout, /^discovery +\d+ ms {2}ok$/m);
      assert.match(result.stdout, /passed in \d+ ms\n$/);
      assertNothingLeaked(result, [PASSWORD, confidential.secret]);
    });

    it('with --json, skips the consent given before and writes a valid textfile over the old one, leaving no temporary file', async () => {
      const textfile = join(folder, 'gatehouse-probe.prom');
      await writeFile(textfile, 'stale\n');
      const result = await probe(['--json', '--prometheus-textfile', textfile]);
      assert.equal(result.code, 0, result.stderr);
      const report = jsonOf<ProbeJson>(result);
      assert.equal(report.success, true);
      assert.equal(report.failed_step, null);
      assert.deepEqual(report.steps.map((step) => `${step.step}:${step.status}`), STEPS.map((step) => `${step}:${step === 'consent' ? 'skipped' : 'ok'}`));
      assert.ok(report.steps.every((step) => step.status === 'skipped' || typeof step.duration_ms === 'number'));

      const metrics = await readFile(textfile, 'utf8');
      assertValidMetrics(metrics);
      assert.match(metrics, /^gatehouse_probe_success 1$/m);
      assert.match(metrics, /^gatehouse_probe_step_duration_seconds\{step="token"\} [\d.]+$/m);
      assert.match(metrics, /^gatehouse_probe_last_run_timestamp_seconds \d+$/m);
      assert.doesNotMatch(metrics, /step="consent"/, 'a skipped step has no sample');
      assert.deepEqual(await readdir(folder), ['gatehouse-probe.prom']);
    });

    it('fails at the login step on a wrong password (from stdin), with exit 1, and says so in the textfile too', async () => {
      const textfile = join(folder, 'failed.prom');
      const result = await probe(['--password-stdin', '--prometheus-textfile', textfile], { input: 'not the password\n' });
      assertFailedAt(result, 'login', 1, /the login form came back \(status 200\): "Invalid username or password\."/);
      assert.deepEqual([...stepLines(result.stdout).keys()], ['discovery', 'authorize', 'login']);
      const metrics = await readFile(textfile, 'utf8');
      assertValidMetrics(metrics);
      assert.match(metrics, /^gatehouse_probe_success 0$/m);
      assert.match(metrics, /^gatehouse_probe_step_success\{step="login"\} 0$/m);
      assert.doesNotMatch(metrics, /step="token"/);
      assertNothingLeaked(result, ['not the password', confidential.secret]);
    });

    it('fails at the token step on a wrong client secret, in JSON too', async () => {
      const wrongSecret = `${confidential.secret!}x`;
      const result = await probe(['--json'], { clientSecret: wrongSecret });
      assert.equal(result.code, 1, result.stderr);
      const report = jsonOf<ProbeJson & { reason: string }>(result);
      assert.equal(report.failed_step, 'token');
      assert.match(report.reason, /401 invalid_client/);
      assert.match(result.stderr, /^\{"error":"probe failed at step token: [^\n]+"\}\n$/);
      assertNothingLeaked(result, [PASSWORD, wrongSecret]);
    });

    it('authenticates with client_secret_post when told the client is registered so (in process)', async () => {
      const post = await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post', scope: 'openid offline_access', firstParty: true });
      const result = await runProbe(
        {
          issuer: suite.server.config.issuer,
          client: { clientId: post.client.clientId, authentication: 'client_secret_post', clientSecret: post.secret!, redirectUri: REDIRECT_URI },
          username: user.username,
          password: PASSWORD,
          scope: 'openid offline_access',
          timeoutSeconds: 10,
          clockToleranceSeconds: 30,
        },
        'probe-test',
      );
      assert.equal(result.success, true, JSON.stringify(result.steps));
      assert.equal(result.steps.find((outcome) => outcome.step === 'consent')?.status, 'skipped', 'a first-party client asks no consent');
    });
  });
});
