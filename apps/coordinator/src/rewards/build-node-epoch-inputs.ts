import type { EpochWindow } from './plan-epoch-close.ts'
import type { ProbeEvidence } from './probe-result.ts'
import type { RewardableNode } from './rewardable-node.ts'
import type { EpochEvidence } from './rewards-store.ts'
import type { NodeEpochInput } from './score-node.ts'

/**
 * Turns the fleet and the epoch's evidence into each node's score input. Pure.
 * - Nodes registered after the epoch ended are left out.
 * - Online: a heartbeat at or after the epoch start, and no more failed than passed
 *   reachability probes (the public URL's, and a proxy exit's tunnel's).
 * - Bandwidth: the median `mbps` of the epoch's passed speed probes, else the last known.
 * - Correctness: every failed content probe and failed usage check is listed with its reason.
 * - Verified disk: with storage probes in the epoch, the fill the last passed one proved,
 *   or 0 if any failed (with its reason); without any (storage proofs off), null.
 */
export function buildNodeEpochInputs(nodes: readonly RewardableNode[], evidence: EpochEvidence, epoch: EpochWindow): NodeEpochInput[] {
  return [...eachNodeEpochInput(nodes, evidence, epoch)]
}

/**
 * `buildNodeEpochInputs` one node at a time: the epoch close scores each input as it is
 * made, so a million of them never exist at once.
 */
export function* eachNodeEpochInput(nodes: readonly RewardableNode[], evidence: EpochEvidence, epoch: EpochWindow): Generator<NodeEpochInput> {
  // A node's one probe is kept as it is, several in an array: most nodes have one, and a
  // million one-element arrays cost more than the probes.
  const probesByNode = new Map<string, ProbeEvidence | ProbeEvidence[]>()
  for (const probe of evidence.probes) {
    const found = probesByNode.get(probe.nodeId)
    if (found === undefined) probesByNode.set(probe.nodeId, probe)
    else if (Array.isArray(found)) found.push(probe)
    else probesByNode.set(probe.nodeId, [found, probe])
  }
  for (const node of nodes) {
    if (node.registeredAt.getTime() >= epoch.endMs) continue
    const found = probesByNode.get(node.id)
    const probes = found === undefined ? NO_PROBES : Array.isArray(found) ? found : [found]
    let reachablePass = 0
    let reachableFail = 0
    let contentPassed = 0
    let contentFailures: string[] | undefined
    let speeds: number[] | undefined
    let usageHoldReason: string | null = null
    let storageFailure: string | null = null
    let verifiedDisk: number | null = null
    for (const probe of probes) {
      // A proxy exit's tunnel carrying a probe stream is reachability too (issue #11).
      if (probe.kind === 'reachability' || probe.kind === 'tunnel') {
        if (probe.outcome === 'pass') reachablePass += 1
        else reachableFail += 1
      } else if (probe.kind === 'content' || probe.kind === 'ipfs-content') {
        // Wrong bytes through the IPFS gateway are wrong bytes: the same correctness rule.
        if (probe.outcome === 'pass') contentPassed += 1
        else (contentFailures ??= []).push(`${probe.kind} probe ${probe.id}: ${probe.reason}`)
      } else if (probe.kind === 'storage') {
        if (probe.outcome === 'fail') storageFailure ??= `storage probe ${probe.id}: ${probe.reason}`
        else verifiedDisk = probe.heldBytes ?? 0
      } else if (probe.kind === 'speed') {
        if (probe.outcome === 'pass' && probe.mbps !== null && Number.isFinite(probe.mbps)) (speeds ??= []).push(probe.mbps)
      } else if (probe.outcome === 'fail') {
        usageHoldReason ??= probe.reason
      }
    }
    const previous = evidence.previous.get(node.id)
    const heartbeat = node.lastHeartbeatAt?.getTime()
    yield {
      nodeId: node.id,
      operatorId: node.operatorId,
      publicIp: node.publicIp,
      registeredAtMs: node.registeredAt.getTime(),
      isOnline: heartbeat !== undefined && heartbeat >= epoch.startMs && reachableFail <= reachablePass,
      measuredMbps: speeds === undefined ? (previous?.measuredMbps ?? null) : median(speeds),
      speedProbes: speeds?.length ?? 0,
      declaredMbps: node.declaredUplinkMbps ?? null,
      offeredDiskBytes: node.diskQuotaBytes,
      verifiedDiskBytes: storageFailure !== null ? 0n : verifiedDisk === null ? null : BigInt(Math.max(0, Math.trunc(verifiedDisk))),
      previousCredit: previous?.credit ?? null,
      contentProbesPassed: contentPassed,
      contentProbeFailures: contentFailures ?? NO_FAILURES,
      usageHoldReason,
      storageProbeFailure: storageFailure,
    }
  }
}

const NO_PROBES: readonly ProbeEvidence[] = Object.freeze([])
const NO_FAILURES: readonly string[] = Object.freeze([])

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
