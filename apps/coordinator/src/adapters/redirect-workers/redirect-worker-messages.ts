import type { FleetNode } from '../../routing/fleet-node.ts'
import type { ZoneEntry } from '../../routing/zone-directory.ts'
import type { TicketMasterKey } from '../../tickets/coordinator-ticket-keys.ts'
import type { RedirectSettings } from './redirect-settings.ts'
import type { ObjectBudgetChange } from '../../metering/object-budgets.ts'

/**
 * What changed since the last update: the eligible nodes that were added or changed (as
 * the primary's `toFleetNodes` yields them, locations resolved) and the ids of those no
 * longer eligible — a heartbeat moves one node's load, so a 100 000-node fleet is not sent
 * whole (14 MB, ~0.5 s to clone) four times a second; the zone entries, whole; the object
 * budget changes since (measured objects, zones forgotten), replayed in order. Sent over the IPC channel with
 * `serialization: 'advanced'` (structured clone: bigint and Uint8Array travel as they are).
 */
export interface SnapshotUpdate {
  /** Grows with every update; a worker acknowledges the last one it applied. */
  readonly seq: number
  readonly fleet?: FleetDelta
  readonly zones?: readonly ZoneEntry[]
  readonly budgets?: readonly ObjectBudgetChange[]
}

export interface FleetDelta {
  readonly upserts: readonly FleetNode[]
  readonly removals: readonly string[]
}

/** How a worker listens and what it never receives again: the primary's settings and ticket master keys. */
export interface WorkerInit {
  readonly host: string
  readonly port: number
  readonly rawConnections: boolean
  readonly headersTimeoutMs: number
  readonly settings: RedirectSettings
  readonly ticketKeys: readonly TicketMasterKey[]
  /** The capacity of metering's `ObjectBudgets`, so the copy forgets the same entries. */
  readonly budgetCapacity: number
  /** Every part present; the fleet as upserts of every eligible node. */
  readonly snapshot: SnapshotUpdate
}

/** Primary → worker. */
export type PrimaryMessage = { readonly type: 'init'; readonly init: WorkerInit } | { readonly type: 'update'; readonly update: SnapshotUpdate } | { readonly type: 'stop' }

/** Worker → primary. `counts`: redirects answered since the last report, `[method, status, count]`. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly seq: number }
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'counts'; readonly counts: readonly (readonly [method: string, status: number, count: number])[] }
  | { readonly type: 'failed'; readonly message: string }

/** The messages a worker acts on; anything else on the channel is ignored. */
export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  if (typeof message !== 'object' || message === null || !('type' in message)) return false
  return (message.type === 'init' && 'init' in message) || (message.type === 'update' && 'update' in message) || message.type === 'stop'
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  if (typeof message !== 'object' || message === null || !('type' in message)) return false
  switch (message.type) {
    case 'ready':
    case 'ack':
      return 'seq' in message && typeof message.seq === 'number'
    case 'counts':
      return 'counts' in message && Array.isArray(message.counts)
    case 'failed':
      return 'message' in message && typeof message.message === 'string'
    default:
      return false
  }
}
