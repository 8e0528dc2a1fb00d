import type { AcceptedUsage } from './judge-usage-lines.ts'
import type { IssuedTicketState } from './issued-ticket.ts'
import type { UsageRejection } from './usage-rejection.ts'

/** The key of one object: its zone name and its path below the zone (which starts with "/"). */
export function objectKeyOf(zone: string, path: string): string {
  return `${zone}${path}`
}

/** What the coordinator knows of one object's size (ADR 0012, "Usage plausibility, live"). */
export interface ObjectSizeEvidence {
  /** The size the coordinator measured itself at the zone's origin (HEAD Content-Length). */
  readonly originSizeBytes?: bigint
  /** Bytes billed and responses counted so far per node that served the object. */
  readonly nodes: readonly { readonly nodeId: string; readonly bytes: bigint; readonly requests: number }[]
}

export interface UsagePlausibilitySettings {
  /** A response may carry this many percent more than the object's size (object growth, framing). */
  readonly tolerancePercent: number
  /** Plus this many bytes per response (multipart range boundaries, a small object's overhead). */
  readonly overheadBytes: bigint
  /** The fleet's statistic counts only when at least this many other nodes served the object. */
  readonly minFleetNodes: number
  /** A ticket bills at most this many whole responses of its object across all its lines. */
  readonly responsesPerTicket: number
}

/** The most one response of an object may bill, and where the size came from. */
export interface PlausibleSize {
  readonly sizeBytes: bigint
  readonly source: 'origin' | 'fleet'
  /** Bytes one response may bill: size + tolerance + overhead. */
  readonly perResponseBytes: bigint
}

/**
 * The object's plausible size as judged for `nodeId`: the coordinator's own origin
 * measurement when it has one, else the median of the other nodes' bytes per response
 * (each node one vote, so neither the judged node nor any single other node sets it),
 * when at least `minFleetNodes` other nodes served it; else unknown. Pure.
 */
export function plausibleSizeFor(evidence: ObjectSizeEvidence | undefined, nodeId: string, settings: UsagePlausibilitySettings): PlausibleSize | undefined {
  if (evidence === undefined) return undefined
  let sizeBytes: bigint
  let source: PlausibleSize['source']
  if (evidence.originSizeBytes !== undefined) {
    sizeBytes = evidence.originSizeBytes
    source = 'origin'
  } else {
    const rates = evidence.nodes.filter((node) => node.nodeId !== nodeId && node.requests > 0).map((node) => node.bytes / BigInt(node.requests))
    if (rates.length === 0 || rates.length < settings.minFleetNodes) return undefined
    sizeBytes = medianOf(rates)
    source = 'fleet'
  }
  const tolerance = (sizeBytes * BigInt(settings.tolerancePercent) + 99n) / 100n
  return { sizeBytes, source, perResponseBytes: sizeBytes + tolerance + settings.overheadBytes }
}

/** Why a node's usage is implausible, with the numbers that show it. */
export interface ImplausibleUsage {
  readonly reason: string
  readonly measurements: Readonly<Record<string, string | number>>
}

export interface BoundUsageParameters {
  readonly nodeId: string
  /** What the ticket checks accepted (each at most its ticket's budget). */
  readonly accepted: readonly AcceptedUsage[]
  /** The lines' tickets as loaded before this batch (their accepted bytes so far). */
  readonly tickets: ReadonlyMap<string, IssuedTicketState>
  readonly objects: ReadonlyMap<string, ObjectSizeEvidence>
  readonly settings: UsagePlausibilitySettings
}

/** Per object, the bytes and responses this batch adds to the node's statistics. */
export interface ObjectUsage {
  readonly zone: string
  readonly path: string
  readonly bytes: bigint
  readonly requests: number
}

export interface BoundUsage {
  /** The accepted usage, each capped at what its object can plausibly be. */
  readonly accepted: readonly AcceptedUsage[]
  /** `implausible-bytes` (more per response than the object) and `replayed` (past the ticket's responses). */
  readonly rejected: readonly UsageRejection[]
  readonly objectUsage: readonly ObjectUsage[]
  /** Set when the node reported more bytes per response than the object can be. */
  readonly implausible: ImplausibleUsage | undefined
}

/**
 * Bounds what a usage line can bill by what its object can be (issue #11): a line of a
 * ticket for one object bills at most `max(requests, 1)` × the per-response allowance, and
 * a ticket at most `responsesPerTicket` allowances across all its lines and batches. The
 * excess is not billed: over the per-response bound it is `implausible-bytes` and the node
 * is flagged (a node that counts honestly never reports more than the object per
 * response); over the ticket's bound (or once it billed its whole responses' size) it is
 * `replayed` (a line or ticket reported again),
 * refused and counted but not flagged, since a client may fetch again on the same ticket.
 * Lines of prefix tickets and of objects whose size is unknown pass unchanged (their
 * ticket's byte budget still bounds them). Anonymous tickets are cheap, so the bound is
 * per object, never per ticket alone. Pure.
 */
export function boundUsageByObjectSize(parameters: BoundUsageParameters): BoundUsage {
  const accepted: AcceptedUsage[] = []
  const rejected: UsageRejection[] = []
  const objectUsage: ObjectUsage[] = []
  let implausible: ImplausibleUsage | undefined
  for (const usage of parameters.accepted) {
    const ticket = parameters.tickets.get(usage.ticketId)
    if (ticket === undefined || ticket.prefix) {
      accepted.push(usage)
      continue
    }
    const key = objectKeyOf(ticket.zone, ticket.path)
    const responses = Math.max(usage.requests, 1)
    const plausible = plausibleSizeFor(parameters.objects.get(key), parameters.nodeId, parameters.settings)
    let bytes = usage.bytes
    if (plausible !== undefined) {
      const lineBound = plausible.perResponseBytes * BigInt(responses)
      if (bytes > lineBound) {
        rejected.push({ ticketId: usage.ticketId, reason: 'implausible-bytes', bytes: bytes - lineBound })
        implausible ??= {
          reason: `reported ${usage.bytes} bytes for ${responses} response(s) of ${key}, whose ${plausible.source === 'origin' ? 'size at the origin' : "fleet's median size"} is ${plausible.sizeBytes} bytes (at most ${lineBound} billable)`,
          measurements: { objectKey: key, reportedBytes: usage.bytes.toString(), requests: responses, objectSizeBytes: plausible.sizeBytes.toString(), sizeSource: plausible.source, billableBytes: lineBound.toString() },
        }
        bytes = lineBound
      }
      // A ticket that already billed its whole responses bills nothing more (the tolerance
      // serves a response that runs over, not a repeat of a whole one).
      const responsesBytes = plausible.sizeBytes * BigInt(parameters.settings.responsesPerTicket)
      const ticketBound = plausible.perResponseBytes * BigInt(parameters.settings.responsesPerTicket)
      const room = ticket.acceptedBytes >= responsesBytes || ticket.acceptedBytes >= ticketBound ? 0n : ticketBound - ticket.acceptedBytes
      if (bytes > room) {
        rejected.push({ ticketId: usage.ticketId, reason: 'replayed', bytes: bytes - room })
        bytes = room
      }
    }
    if (bytes === 0n) continue
    accepted.push({ ...usage, bytes, totalAcceptedBytes: ticket.acceptedBytes + bytes })
    objectUsage.push({ zone: ticket.zone, path: ticket.path, bytes, requests: responses })
  }
  return { accepted, rejected, objectUsage, implausible }
}

/** The median of non-empty values, the lower middle's and upper middle's mean floored. */
function medianOf(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? 0n
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0n) + upper) / 2n
}
