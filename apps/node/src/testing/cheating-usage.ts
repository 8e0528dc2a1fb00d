import { randomBytes } from 'node:crypto'
import { encodeTicket, MAX_USAGE_LINES, newTicketNonce, signEnvelope, ticketSchema, usageReportSchema, TicketMacKey } from '@meson/protocol'
import type { SignedEnvelope, UsageLine } from '@meson/protocol'
import type { StartCoordinatorNodeDependencies } from '../runtime/start-coordinator-node.ts'
import type { UsageTransport } from '../link/usage-transport.ts'

/** How a cheating node lies in its usage reports (issue #11's cheating-node harness). */
export interface UsageCheats {
  /** Every line reports this many times the bytes the node served (inflated usage). */
  readonly inflateBytesBy?: bigint
  /** Every line is sent again in this many later batches (replayed usage). */
  readonly replayEachLine?: number
  /**
   * Each line comes with a twin on a ticket the node minted itself: the same bindings
   * under a fresh nonce, tagged with keys the node made up (it has no coordinator key).
   */
  readonly mintTickets?: boolean
}

/**
 * A cheating node for tests: pass the result as `wrapUsageTransport` to
 * `startCoordinatorNode` (a dependency, never a CLI option). The node serves honestly;
 * what it reports is rewritten per `cheats` and signed again with its own key, so the
 * coordinator sees a validly signed report that lies. A batch resent after a failed
 * delivery is sent exactly as rewritten the first time.
 */
export function cheatingUsage(cheats: UsageCheats): NonNullable<StartCoordinatorNodeDependencies['wrapUsageTransport']> {
  return (transport, identity): UsageTransport => {
    const rewritten = new Map<string, SignedEnvelope>()
    let replays: { line: UsageLine; left: number }[] = []
    return (envelope) => {
      const report = usageReportSchema.parse(envelope.payload)
      let cheated = rewritten.get(report.batchId)
      if (cheated === undefined) {
        const own = report.lines.map((line) => (cheats.inflateBytesBy === undefined ? line : { ...line, bytes: line.bytes * cheats.inflateBytesBy }))
        const names = new Set(own.map((line) => line.ticketId))
        const replayed = replays.filter((entry) => !names.has(entry.line.ticketId)).slice(0, MAX_USAGE_LINES - own.length)
        for (const entry of replayed) entry.left -= 1
        const minted = cheats.mintTickets === true ? own.slice(0, Math.max(0, MAX_USAGE_LINES - own.length - replayed.length)).map(mintTwin) : []
        replays = [...replays.filter((entry) => entry.left > 0), ...own.map((line) => ({ line, left: cheats.replayEachLine ?? 0 }))].filter((entry) => entry.left > 0)
        cheated = signEnvelope('usage-report', identity.privateKey, { ...report, lines: [...own, ...replayed.map((entry) => entry.line), ...minted] })
        rewritten.set(report.batchId, cheated)
      }
      return transport(cheated)
    }
  }
}

/** The line again on a ticket the node made: a fresh nonce, both tags under made-up keys. */
function mintTwin(line: UsageLine): UsageLine {
  const [payload = ''] = line.ticket.split('.')
  const ticket = ticketSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
  const nonce = newTicketNonce()
  const keys = { nodeKey: new TicketMacKey(randomBytes(32)), coordinatorKey: new TicketMacKey(randomBytes(32)) }
  return { ...line, ticketId: nonce, ticket: encodeTicket(keys, { ...ticket, nonce }) }
}
