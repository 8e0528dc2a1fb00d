import type { NodeScore, Penalty } from './node-score.ts'
import { ipGroupsOf } from './ip-groups.ts'

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
 * `registeredAtMs[i]` belongs to `scored[i]`.
 */
export function applySybilRules(scored: readonly Omit<NodeScore, 'weight'>[], registeredAtMs: readonly number[], weightScale: number, isOneNodePerIp = true): SybilDecisions {
  const addressKeys: string[] = new Array<string>(scored.length)
  const subnetKeys: string[] = new Array<string>(scored.length)
  const bestByAddress = new Map<string, number>()
  for (let index = 0; index < scored.length; index += 1) {
    const node = scored[index]
    if (node === undefined) continue
    // With the rule off, every node is its own address and subnet.
    const groups = isOneNodePerIp ? ipGroupsOf(node.publicIp) : { addressKey: node.nodeId, subnetKey: node.nodeId }
    addressKeys[index] = groups.addressKey
    subnetKeys[index] = groups.subnetKey
    const current = bestByAddress.get(groups.addressKey)
    if (current === undefined || isBetter(scored, registeredAtMs, index, current)) bestByAddress.set(groups.addressKey, index)
  }
  const subnetCounts = new Map<string, number>()
  for (const index of bestByAddress.values()) {
    const key = subnetKeys[index]
    if ((scored[index]?.score ?? 0) > 0 && key !== undefined) subnetCounts.set(key, (subnetCounts.get(key) ?? 0) + 1)
  }
  const weights = new Array<bigint>(scored.length).fill(0n)
  const penalties = new Array<Penalty | undefined>(scored.length)
  for (let index = 0; index < scored.length; index += 1) {
    const node = scored[index]
    if (node === undefined) continue
    const addressKey = addressKeys[index] ?? node.publicIp
    const winner = bestByAddress.get(addressKey)
    if (winner !== index) {
      penalties[index] = { kind: 'same-ip', reason: `node ${scored[winner ?? index]?.nodeId ?? '?'} is the one rewarded node of public IP ${addressKey}` }
    } else if (node.score > 0) {
      const subnetKey = subnetKeys[index] ?? addressKey
      const sharing = subnetCounts.get(subnetKey) ?? 1
      if (sharing > 1) penalties[index] = { kind: 'shared-subnet', reason: `${sharing} rewarded nodes share ${subnetKey} and split one share` }
      weights[index] = BigInt(Math.round((node.score * weightScale) / sharing))
    }
  }
  return { weights, penalties }
}

function isBetter(scored: readonly Omit<NodeScore, 'weight'>[], registeredAtMs: readonly number[], a: number, b: number): boolean {
  const left = scored[a]
  const right = scored[b]
  if (left === undefined || right === undefined) return false
  if (left.score !== right.score) return left.score > right.score
  const leftAt = registeredAtMs[a] ?? 0
  const rightAt = registeredAtMs[b] ?? 0
  if (leftAt !== rightAt) return leftAt < rightAt
  return left.nodeId < right.nodeId
}
