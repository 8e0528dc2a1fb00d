import type { Command, NodeId, SignedEnvelope } from '@meson/protocol'

interface Pending {
  readonly command: Command
  readonly envelope: SignedEnvelope
}

/**
 * Signed commands waiting for their node, in memory (the fleet store keeps a copy so a
 * coordinator restart loses nothing). A command is resent in every heartbeat answer
 * until the node acknowledges it or it expires: delivery is at least once, and the
 * node's ReplayGuard makes execution at most once.
 */
export class CommandOutbox {
  readonly #byNode = new Map<NodeId, Map<string, Pending>>()

  /** Queues a command for its node (`command.nodeId`, never '*' here). */
  add(nodeId: NodeId, command: Command, envelope: SignedEnvelope): void {
    let pending = this.#byNode.get(nodeId)
    if (pending === undefined) {
      pending = new Map()
      this.#byNode.set(nodeId, pending)
    }
    pending.set(command.id, { command, envelope })
  }

  /** The envelopes to send `nodeId` now, oldest first; expired commands are dropped. */
  pendingFor(nodeId: NodeId, nowMs: number): SignedEnvelope[] {
    const pending = this.#byNode.get(nodeId)
    if (pending === undefined) return []
    const out: SignedEnvelope[] = []
    for (const [id, entry] of pending) {
      if (entry.command.expiresAt <= nowMs) pending.delete(id)
      else out.push(entry.envelope)
    }
    if (pending.size === 0) this.#byNode.delete(nodeId)
    return out
  }

  /** Removes the acknowledged commands of `nodeId`; returns the ids that were pending. */
  acknowledge(nodeId: NodeId, ids: Iterable<string>): string[] {
    const pending = this.#byNode.get(nodeId)
    if (pending === undefined) return []
    const removed: string[] = []
    for (const id of ids) if (pending.delete(id)) removed.push(id)
    if (pending.size === 0) this.#byNode.delete(nodeId)
    return removed
  }

  /** Number of commands waiting across all nodes. */
  get size(): number {
    let count = 0
    for (const pending of this.#byNode.values()) count += pending.size
    return count
  }
}
