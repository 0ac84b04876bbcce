// gatehouse/resource-server: verify Gatehouse access tokens in an API. Free of the server's own modules, but for the
// self-contained DPoP proof check (src/tokens/dpop-proof.ts) it shares with the server.
export { createAccessTokenVerifier, type AccessTokenVerifier, type AccessTokenVerifierOptions, type VerifyOptions } from './verifier.js';
export { ResourceServerError, type BearerErrorCode } from './errors.js';
export type { IntrospectionOptions } from './introspection.js';
export type { Principal } from './principal.js';
export type { RequestLike } from './bearer.js';
export type { DpopOptions } from './dpop.js';
export { resourceServerPlugin, sendResourceServerError, type ResourceServerPluginOptions } from './fastify.js';
