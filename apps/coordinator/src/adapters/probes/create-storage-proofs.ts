import { parseNodeId } from '@meson/protocol'
import type { KeyPair } from '@meson/protocol'
import type { CoordinatorConfig } from '../../config/config.ts'
import type { FleetControl } from '../../fleet/fleet-control.ts'
import { StorageFill } from '../../probes/storage-fill.ts'
import { StorageProofs } from '../../probes/storage-proofs.ts'
import type { CoordinatorStores } from '../../store/coordinator-stores.ts'

/** An issued segment not confirmed within this stops counting against the node's share. */
const PENDING_MS = 10 * 60_000
/** How long a node has to answer a storage challenge. */
const CHALLENGE_TTL_MS = 30_000

/**
 * Proof of storage wired to the fleet and the store, or undefined unless probes and
 * storage proofs are both on. The fill's secret is derived from the coordinator's own
 * private key (every replica shares it; nodes never see it), so the fill of a segment is
 * the same on every replica and across restarts; rotating the coordinator key makes
 * every node's fill unprovable (it is refilled under new indices).
 */
export function createStorageProofs(config: CoordinatorConfig, stores: CoordinatorStores, fleet: FleetControl, coordinatorKey: KeyPair, now: () => number): StorageProofs | undefined {
  if (!config.probesEnabled || !config.storageProofsEnabled) return undefined
  const secret = coordinatorKey.privateKey.export({ format: 'der', type: 'pkcs8' })
  return new StorageProofs({
    segments: stores.storageSegments,
    fill: new StorageFill(secret),
    nodeOf: (nodeId) => {
      const id = parseNodeId(nodeId)
      const live = id.ok ? fleet.registry.get(id.value) : undefined
      return live === undefined ? undefined : { verifyKey: live.verifyKey, offeredDiskBytes: live.record.diskQuotaBytes }
    },
    coordinatorKey: coordinatorKey.privateKey,
    settings: {
      segmentBytes: config.storageSegmentBytes,
      maxBytesPerNode: config.storageProofMaxBytes,
      challengeBytes: config.storageChallengeBytes,
      pendingMs: PENDING_MS,
      challengeTtlMs: CHALLENGE_TTL_MS,
    },
    now,
  })
}
