import type { RejectionCount } from './metering-store.ts'
import { USAGE_REJECTION_REASONS } from './usage-rejection.ts'
import type { UsageRejection, UsageRejectionReason } from './usage-rejection.ts'

/** Rejected usage lines of one node, by reason (every reason present, 0 when none). */
export type RejectedLinesByReason = Readonly<Record<UsageRejectionReason, number>>

/**
 * Rejected usage lines per node and reason, in memory: loaded from the persisted
 * counters at start and bumped after each committed batch. The fleet's `GET /v1/nodes`
 * reads `countsOf(nodeId)`; `/metrics` reads `totalsByReason()`.
 */
export class RejectionCounters {
  readonly #byNode = new Map<string, Map<UsageRejectionReason, number>>()

  /** Replaces the counters with persisted ones. */
  load(counts: readonly RejectionCount[]): void {
    this.#byNode.clear()
    for (const count of counts) this.#add(count.nodeId, count.reason, count.lines)
  }

  /** Counts the rejections of a committed batch. */
  record(nodeId: string, rejections: readonly UsageRejection[]): void {
    for (const rejection of rejections) this.#add(nodeId, rejection.reason, 1)
  }

  countsOf(nodeId: string): RejectedLinesByReason {
    const counts = this.#byNode.get(nodeId)
    return Object.fromEntries(USAGE_REJECTION_REASONS.map((reason) => [reason, counts?.get(reason) ?? 0])) as Record<UsageRejectionReason, number>
  }

  totalsByReason(): RejectedLinesByReason {
    const totals = new Map<UsageRejectionReason, number>()
    for (const counts of this.#byNode.values()) for (const [reason, lines] of counts) totals.set(reason, (totals.get(reason) ?? 0) + lines)
    return Object.fromEntries(USAGE_REJECTION_REASONS.map((reason) => [reason, totals.get(reason) ?? 0])) as Record<UsageRejectionReason, number>
  }

  #add(nodeId: string, reason: UsageRejectionReason, lines: number): void {
    let counts = this.#byNode.get(nodeId)
    if (counts === undefined) {
      counts = new Map()
      this.#byNode.set(nodeId, counts)
    }
    counts.set(reason, (counts.get(reason) ?? 0) + lines)
  }
}
