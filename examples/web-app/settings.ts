// The web app's settings, from its environment; each one is checked, and a bad one stops the start with one line.

export interface WebAppSettings {
  /** Gatehouse's issuer identifier, e.g. http://localhost:4500. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly port: number;
  /** Where the browser reaches this app, e.g. http://localhost:3500: its redirect URIs are registered under it. */
  readonly publicUrl: string;
  /** Where this app calls the Notes API, e.g. http://localhost:3501. */
  readonly notesApiUrl: string;
  /** The Notes API's identifier at Gatehouse: the `resource` asked for and the `aud` of its tokens (RFC 8707). */
  readonly notesApiIdentifier: string;
}

/** A missing or malformed setting, named with what was expected. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SettingsError(`${name} is not set`);
  return value;
}

/** An http(s) URL; `trimSlash` drops trailing slashes of a base URL (never of the issuer, compared byte for byte). */
function httpUrl(env: NodeJS.ProcessEnv, name: string, trimSlash = true): string {
  const value = required(env, name);
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new SettingsError(`${name} must be an http(s) URL without query or fragment, got ${JSON.stringify(value)}`);
  }
  return trimSlash ? value.replace(/\/+$/, '') : value;
}

function port(env: NodeJS.ProcessEnv, name: string): number {
  const value = required(env, name);
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new SettingsError(`${name} must be a TCP port 0-65535, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** @throws SettingsError */
export function readWebAppSettings(env: NodeJS.ProcessEnv): WebAppSettings {
  const listenPort = port(env, 'PORT');
  return {
    issuer: httpUrl(env, 'ISSUER', false),
    clientId: required(env, 'CLIENT_ID'),
    clientSecret: required(env, 'CLIENT_SECRET'),
    port: listenPort,
    publicUrl: env.PUBLIC_URL === undefined ? `http://localhost:${listenPort}` : httpUrl(env, 'PUBLIC_URL'),
    notesApiUrl: httpUrl(env, 'NOTES_API_URL'),
    notesApiIdentifier: required(env, 'NOTES_API_IDENTIFIER'),
  };
}
