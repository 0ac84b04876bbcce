// The key-encryption secrets of test runs, and the audit sealer test stores open with, keyed like them.
import { AUDIT_CHAIN_PURPOSE } from '../../src/observability/audit.js';
import { createMessageAuthentication } from '../../src/tokens/keys/message-authentication.js';

/** What a test server (startTestServer, testEnvironment) is configured with. */
export const SERVER_ENCRYPTION_SECRET = 'test-key-encryption-secret-0123456789abcdef';
/** What a CLI run (cliEnvironment) is configured with. */
export const CLI_ENCRYPTION_SECRET = 'cli-test-key-encryption-secret-0123456789';

/**
 * Seals as a CLI run does, so `gatehouse audit verify` accepts a head a test store sealed; accepts a test server's
 * seals too, as a rotated-out secret, so a test store verifies what a server appended.
 */
export const TEST_AUDIT_SEALER = createMessageAuthentication({ current: CLI_ENCRYPTION_SECRET, previous: [SERVER_ENCRYPTION_SECRET] }, AUDIT_CHAIN_PURPOSE);
