/**
 * Test support of the edge node (fakes, fixtures) for its own tests, the end-to-end tests and benches:
 * `@meson/node/testing`. Never imported by production code (the linter checks).
 */
export { createManualClock, errorCodeOf, eventually, removeDir, send, startScriptedOrigin, startTestNode } from './cache-server-fixtures.ts'
export type { ClientResponse, ManualClock, OriginHandler, ScriptedOrigin, TestNode } from './cache-server-fixtures.ts'
export { bodyOf, fixedClock, makeDataDir, readAll, sampleResponse, sha256Hex, storeObject } from './cache-store-fixtures.ts'
export type { NewResponse } from './cache-store-fixtures.ts'
export { fetchOnce, startCoordinatorNodeHarness } from './coordinator-node-fixtures.ts'
export type { CoordinatorNodeHarness } from './coordinator-node-fixtures.ts'
export { FakeCoordinator, errorReply } from './fake-coordinator.ts'
export type { FakeHandler, FakeReply, RecordedRequest } from './fake-coordinator.ts'
export { FakeTimers } from './fake-timers.ts'
export { fixtureIdentity, fixtureStats, nextEventArguments, nextLinkEvent, recordingLogger } from './link-fixtures.ts'
export { FIXTURE_ISSUED_AT_MS, FIXTURE_TICKET_LIFETIME_MS, fixtureNodeId, fixtureNodeKey, fixtureTagKeys, fixtureTicket, fixtureTicketMaster, fixtureToken } from './ticket-fixtures.ts'
export { zoneCacheKey } from '../cdn/zones/zone-cache-key.ts'
export { ProxyTunnelClient } from '../adapters/proxy/tunnel-client.ts'
export { NodeGateway } from '../adapters/gateway/node-gateway.ts'
export { startTrustlessGatewayServer } from '../adapters/gateway/trustless-gateway-server.ts'
export { importFileBytes } from '../gateway/import-files.ts'
export { MemoryBlockSource } from '../gateway/memory-block-source.ts'
export { openDiskCacheStore } from '../cdn/store/disk-cache-store.ts'
export type { CacheStore } from '../cdn/store/cache-store.ts'
