import type { NodeId } from '@meson/protocol'
import type { PurgeRecord } from './fleet-store.ts'

/** What `GET /v1/purges/:id` reports. */
export interface PurgeSummary {
  readonly purgeId: string
  readonly zone: string
  /** 'complete' once every target acknowledged or went down. */
  readonly status: 'pending' | 'complete'
  readonly acked: readonly NodeId[]
  /** Live targets that have not acknowledged yet. */
  readonly pending: readonly NodeId[]
  /**
   * Targets that went down before acknowledging. They do not block completion: the
   * command stays queued for them, and a node that comes back gets it in its first
   * heartbeat answer (until the command expires).
   */
  readonly down: readonly NodeId[]
}

/** Summarizes a purge from its stored targets and the fleet's current view of each node. */
export function summarizePurge(purge: PurgeRecord, isDown: (nodeId: NodeId) => boolean): PurgeSummary {
  const acked: NodeId[] = []
  const pending: NodeId[] = []
  const down: NodeId[] = []
  for (const target of purge.targets) {
    if (target.ackedAtMs !== null) acked.push(target.nodeId)
    else if (isDown(target.nodeId)) down.push(target.nodeId)
    else pending.push(target.nodeId)
  }
  return { purgeId: purge.id, zone: purge.zoneName, status: pending.length === 0 ? 'complete' : 'pending', acked, pending, down }
}
