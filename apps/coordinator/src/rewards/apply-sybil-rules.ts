import type { Penalty } from './node-score.ts'
import { ipGroupsOf } from './ip-groups.ts'

/** The columns of the scored nodes the rules look at, row by row (an `EpochScoreTable` has them). */
export interface SybilColumns {
  readonly nodeIds: readonly string[]
  readonly publicIps: readonly string[]
  /** Product of the factors, before the rules. */
  readonly scores: readonly number[]
  readonly registeredAtMs: readonly number[]
}

/** What the anti-Sybil rules decided for each node, index by index. */
export interface SybilDecisions {
  /** Integer weight in the emission split (0 = earns no emission). */
  readonly weights: bigint[]
  /** The cut the rules made to the node's share, if any (`same-ip` or `shared-subnet`). */
  readonly penalties: (Penalty | undefined)[]
}

/**
 * Anti-Sybil: at most one rewarded node per public IP (the best score; ties to the
 * earlier registration, then the smaller id), and the rewarded nodes of one /24 split
 * one share (each weight divided by how many there are). Turns scores into integer
 * weights (`round(score × weightScale / n)`) and gives each cut as a penalty. Pure; it
 * returns decisions rather than new scores, so a million scores are not copied.
 */
export function applySybilRules(scored: SybilColumns, weightScale: number, isOneNodePerIp = true): SybilDecisions {
  const count = scored.nodeIds.length
  const addressKeys: string[] = new Array<string>(count)
  const subnetKeys: string[] = new Array<string>(count)
  const bestByAddress = new Map<string, number>()
  for (let index = 0; index < count; index += 1) {
    const nodeId = scored.nodeIds[index] ?? ''
    // With the rule off, every node is its own address and subnet.
    const groups = isOneNodePerIp ? ipGroupsOf(scored.publicIps[index] ?? '') : { addressKey: nodeId, subnetKey: nodeId }
    addressKeys[index] = groups.addressKey
    subnetKeys[index] = groups.subnetKey
    const current = bestByAddress.get(groups.addressKey)
    if (current === undefined || isBetter(scored, index, current)) bestByAddress.set(groups.addressKey, index)
  }
  const subnetCounts = new Map<string, number>()
  for (const index of bestByAddress.values()) {
    const key = subnetKeys[index]
    if ((scored.scores[index] ?? 0) > 0 && key !== undefined) subnetCounts.set(key, (subnetCounts.get(key) ?? 0) + 1)
  }
  // One penalty object per subnet: its nodes share the reason.
  const subnetPenalties = new Map<string, Penalty>()
  const weights = new Array<bigint>(count).fill(0n)
  const penalties = new Array<Penalty | undefined>(count)
  for (let index = 0; index < count; index += 1) {
    const score = scored.scores[index] ?? 0
    const addressKey = addressKeys[index] ?? scored.publicIps[index] ?? ''
    const winner = bestByAddress.get(addressKey)
    if (winner !== index) {
      penalties[index] = { kind: 'same-ip', reason: `node ${scored.nodeIds[winner ?? index] ?? '?'} is the one rewarded node of public IP ${addressKey}` }
    } else if (score > 0) {
      const subnetKey = subnetKeys[index] ?? addressKey
      const sharing = subnetCounts.get(subnetKey) ?? 1
      if (sharing > 1) {
        let penalty = subnetPenalties.get(subnetKey)
        if (penalty === undefined) {
          penalty = { kind: 'shared-subnet', reason: `${sharing} rewarded nodes share ${subnetKey} and split one share` }
          subnetPenalties.set(subnetKey, penalty)
        }
        penalties[index] = penalty
      }
      weights[index] = BigInt(Math.round((score * weightScale) / sharing))
    }
  }
  return { weights, penalties }
}

function isBetter(scored: SybilColumns, a: number, b: number): boolean {
  const left = scored.scores[a] ?? 0
  const right = scored.scores[b] ?? 0
  if (left !== right) return left > right
  const leftAt = scored.registeredAtMs[a] ?? 0
  const rightAt = scored.registeredAtMs[b] ?? 0
  if (leftAt !== rightAt) return leftAt < rightAt
  return (scored.nodeIds[a] ?? '') < (scored.nodeIds[b] ?? '')
}
