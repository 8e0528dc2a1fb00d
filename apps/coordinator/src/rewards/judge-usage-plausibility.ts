import type { ProbeResult } from './probe-result.ts'

/** A node's reported usage of one object over an epoch. */
export interface ObjectUsage {
  readonly nodeId: string
  /** `<zone>/<path>`: the object the usage is for. */
  readonly objectKey: string
  readonly requests: number
  readonly bytes: bigint
}

export interface UsagePlausibilityInput {
  readonly usage: readonly ObjectUsage[]
  /** Object sizes the coordinator learned (origin fallback, probes, other nodes' reports). */
  readonly knownSizes: ReadonlyMap<string, bigint>
  /** Usage lines refused per node this epoch, by reason (minted, replayed, over-budget tickets). */
  readonly refusedLines: ReadonlyMap<string, Readonly<Record<string, number>>>
  /** A node's bytes per request for an object may be this many times the fleet's median. */
  readonly fleetTolerance: number
  /** At least this many other nodes must have served an object for the fleet comparison. */
  readonly minFleetNodes: number
  /** This many refused lines in an epoch make a node's usage implausible. */
  readonly maxRefusedLines: number
}

export interface UsageFlag {
  readonly nodeId: string
  readonly reason: string
  readonly measurements: Readonly<Record<string, string | number>>
}

/**
 * Bounds and flags usage: what a node may bill for an object is at most
 * requests × the object's known size, and a node is flagged (its earnings held for the
 * epoch) when it reported more than that, when its bytes per request for an object are
 * out of line with the fleet's for the same object, or when many of its lines were
 * refused (tickets it minted or replayed). Anonymous tickets are cheap, so an attacker
 * can hold many: the bound is per object, not per ticket. Pure.
 */
export function judgeUsagePlausibility(input: UsagePlausibilityInput): { readonly billable: readonly (ObjectUsage & { readonly billableBytes: bigint })[]; readonly flags: readonly UsageFlag[] } {
  const flags = new Map<string, UsageFlag>()
  const flag = (entry: UsageFlag): void => {
    if (!flags.has(entry.nodeId)) flags.set(entry.nodeId, entry)
  }
  const billable = input.usage.map((line) => {
    const size = input.knownSizes.get(line.objectKey)
    if (size === undefined) return { ...line, billableBytes: line.bytes }
    const bound = size * BigInt(line.requests)
    if (line.bytes > bound) {
      flag({
        nodeId: line.nodeId,
        reason: `reported ${line.bytes} bytes for ${line.requests} requests of ${line.objectKey}, whose size is ${size} bytes (at most ${bound})`,
        measurements: { objectKey: line.objectKey, reportedBytes: line.bytes.toString(), requests: line.requests, objectSizeBytes: size.toString() },
      })
    }
    return { ...line, billableBytes: line.bytes > bound ? bound : line.bytes }
  })

  const perObject = new Map<string, { nodeId: string; bytesPerRequest: number }[]>()
  for (const line of input.usage) {
    if (line.requests <= 0) continue
    const list = perObject.get(line.objectKey) ?? []
    list.push({ nodeId: line.nodeId, bytesPerRequest: Number(line.bytes) / line.requests })
    perObject.set(line.objectKey, list)
  }
  for (const [objectKey, list] of perObject) {
    for (const entry of list) {
      const others = list.filter((other) => other.nodeId !== entry.nodeId).map((other) => other.bytesPerRequest)
      if (others.length < input.minFleetNodes) continue
      const fleetMedian = median(others)
      if (fleetMedian > 0 && entry.bytesPerRequest > fleetMedian * input.fleetTolerance) {
        flag({
          nodeId: entry.nodeId,
          reason: `${Math.round(entry.bytesPerRequest)} bytes per request for ${objectKey}, where the fleet's median is ${Math.round(fleetMedian)}`,
          measurements: { objectKey, bytesPerRequest: entry.bytesPerRequest, fleetMedianBytesPerRequest: fleetMedian, fleetNodes: others.length },
        })
      }
    }
  }

  for (const [nodeId, reasons] of input.refusedLines) {
    const total = Object.values(reasons).reduce((sum, count) => sum + count, 0)
    if (total >= input.maxRefusedLines) {
      const detail = Object.entries(reasons).map(([reason, count]) => `${reason}: ${count}`).join(', ')
      flag({ nodeId, reason: `${total} usage lines refused this epoch (${detail}): tickets not issued to this node or used past their budget`, measurements: { refusedLines: total } })
    }
  }
  return { billable, flags: [...flags.values()] }
}

/** The flags as `usage` results, which the epoch close turns into correctness 0 and held earnings. */
export function usageFlagsToProbeResults(flags: readonly UsageFlag[], epochId: string, atMs: number): ProbeResult[] {
  return flags.map((entry) => ({ id: `usage-${epochId}-${entry.nodeId}`, nodeId: entry.nodeId, kind: 'usage', atMs, outcome: 'fail', measurements: entry.measurements, reason: entry.reason }))
}

/** A ticket's byte budget for an object: its known size (one response), else the default. */
export function ticketBudgetFor(knownSizeBytes: bigint | undefined, defaultBudget: bigint): bigint {
  return knownSizeBytes === undefined || knownSizeBytes > defaultBudget ? defaultBudget : knownSizeBytes
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
