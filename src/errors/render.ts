// The only place errors become responses: one renderer per channel, framework-neutral.
import { OAuthError, ServerError } from './oauth-errors.js';

/** Where an error is going: each channel has its own wire format. */
export type ErrorChannel = 'api';

export interface RenderedError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Anything that is not an OAuthError becomes a generic server_error; its cause is the caller's to log. */
export function toOAuthError(error: unknown): OAuthError {
  return error instanceof OAuthError ? error : new ServerError({ cause: error });
}

const renderers: Record<ErrorChannel, (error: OAuthError) => RenderedError> = {
  // JSON for admin, discovery and health routes: RFC 6749 §5.2 field names so clients parse one shape.
  api: (error) => ({
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ error: error.code, error_description: error.description }),
  }),
};

export function renderError(channel: ErrorChannel, error: OAuthError): RenderedError {
  return renderers[channel](error);
}
