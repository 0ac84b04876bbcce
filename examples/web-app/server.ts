// The Notes web app: a confidential OpenID Connect client of Gatehouse. Run by `npm run demo`; see examples/README.md.
import { createServer } from 'node:http';
import { gatehouseLogoutTokenVerifier } from './backchannel-logout.js';
import { discoverGatehouse } from './gatehouse-client.js';
import { handleRequest } from './routes.js';
import { SessionStore } from './sessions.js';
import { readWebAppSettings, SettingsError } from './settings.js';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  const settings = readWebAppSettings(process.env);
  const gatehouse = await discoverGatehouse(settings);
  const server = createServer(handleRequest({ settings, gatehouse, sessions: new SessionStore(), verifyLogoutToken: gatehouseLogoutTokenVerifier(gatehouse), log }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, '127.0.0.1', resolve);
  });
  log(`notes web app listening on ${settings.publicUrl}`);
  const stop = () => {
    log('stopping');
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const reason = error instanceof SettingsError ? error.message : `could not start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`notes web app: ${reason}\n`);
  process.exit(error instanceof SettingsError ? 2 : 1);
});
