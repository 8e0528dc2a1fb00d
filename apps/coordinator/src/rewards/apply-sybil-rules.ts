import type { NodeScore, Penalty } from './node-score.ts'
import { ipGroupsOf } from './ip-groups.ts'

/**
 * Anti-Sybil: at most one rewarded node per public IP (the best score; ties to the
 * earlier registration, then the smaller id), and the rewarded nodes of one /24 split
 * one share (each weight divided by how many there are). Turns scores into integer
 * weights (`round(score × weightScale / n)`) and records each cut as a penalty. Pure.
 */
export function applySybilRules(
  scored: readonly (Omit<NodeScore, 'weight'> & { readonly registeredAtMs: number })[],
  weightScale: number,
): NodeScore[] {
  const groupsOf = scored.map((node) => ipGroupsOf(node.publicIp))
  const byAddress = new Map<string, number>()
  const winnerOf = (index: number): boolean => byAddress.get(groupsOf[index]?.addressKey ?? '') === index
  scored.forEach((node, index) => {
    const key = groupsOf[index]?.addressKey ?? node.publicIp
    const current = byAddress.get(key)
    const best = current === undefined ? undefined : scored[current]
    if (best === undefined || isBetter(node, best)) byAddress.set(key, index)
  })
  const subnetCounts = new Map<string, number>()
  scored.forEach((node, index) => {
    if (node.score > 0 && winnerOf(index)) {
      const key = groupsOf[index]?.subnetKey ?? node.publicIp
      subnetCounts.set(key, (subnetCounts.get(key) ?? 0) + 1)
    }
  })
  return scored.map((node, index) => {
    const penalties: Penalty[] = [...node.penalties]
    const groups = groupsOf[index] ?? ipGroupsOf(node.publicIp)
    let weight = 0n
    if (!winnerOf(index)) {
      const winner = scored[byAddress.get(groups.addressKey) ?? index]
      penalties.push({ kind: 'same-ip', reason: `node ${winner?.nodeId ?? '?'} is the one rewarded node of public IP ${groups.addressKey}` })
    } else if (node.score > 0) {
      const sharing = subnetCounts.get(groups.subnetKey) ?? 1
      if (sharing > 1) penalties.push({ kind: 'shared-subnet', reason: `${sharing} rewarded nodes share ${groups.subnetKey} and split one share` })
      weight = BigInt(Math.round((node.score * weightScale) / sharing))
    }
    const { registeredAtMs: _registeredAtMs, ...rest } = node
    return { ...rest, weight, penalties }
  })
}

function isBetter(a: { score: number; registeredAtMs: number; nodeId: string }, b: { score: number; registeredAtMs: number; nodeId: string }): boolean {
  if (a.score !== b.score) return a.score > b.score
  if (a.registeredAtMs !== b.registeredAtMs) return a.registeredAtMs < b.registeredAtMs
  return a.nodeId < b.nodeId
}
