// What one probe run is told: the issuer, the client as registered, the test account, and the per-step timeout.

/** How the probe authenticates at the token and revocation endpoints: the method the client is registered with. */
export type ProbeClientAuthentication = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ProbeClient {
  readonly clientId: string;
  readonly authentication: ProbeClientAuthentication;
  /** Undefined exactly when `authentication` is `none`. */
  readonly clientSecret: string | undefined;
  readonly redirectUri: string;
}

export interface ProbeSettings {
  readonly issuer: string;
  readonly client: ProbeClient;
  readonly username: string;
  readonly password: string;
  /** Must include openid (for the ID token) and offline_access (for the refresh token). */
  readonly scope: string;
  /** Each step ends, failed, once it has run this long. */
  readonly timeoutSeconds: number;
  /** Clock skew tolerated on the ID token's exp and iat. */
  readonly clockToleranceSeconds: number;
}
