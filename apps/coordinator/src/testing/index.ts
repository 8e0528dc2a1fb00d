/**
 * Test support of the coordinator (fakes, fixtures, test databases) for its own tests, the end-to-end tests and benches:
 * `@meson/coordinator/testing`. Never imported by production code (the linter checks).
 */
export { findTestStoreBackends } from './test-store-backends.ts'
export type { TestStore, TestStoreBackend } from './test-store-backends.ts'
export { IS_CI, TEST_PG_URL, dropTestSchemas, whyPostgresUnreachable } from './postgres-test-support.ts'
export { openFleetTestStores } from './open-fleet-test-stores.ts'
export { FakeNode, requestJson } from './node-fake.ts'
export type { JsonAnswer } from './node-fake.ts'
export { testNode, testNodeId } from './test-fleet.ts'
export { readJsonField } from './read-json-field.ts'
export { buildFuzzRequests, exchangeRaw, fuzzServer, leaksStackTrace } from './http-fuzz.ts'
export { nodeKeyLookup, testTicketKeys, testTicketMaster } from './test-ticket-keys.ts'
