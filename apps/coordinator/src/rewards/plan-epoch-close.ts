import type { AccountId } from '@meson/protocol'
import type { LedgerTransactionInput } from '../store/store.ts'
import { buildEpochTransactions } from './build-epoch-transactions.ts'
import type { OperatorPayout } from './operator-payout.ts'
import { applySybilRules } from './apply-sybil-rules.ts'
import type { NodeScore } from './node-score.ts'
import type { ScoreConfig } from './score-config.ts'
import { scoreNode } from './score-node.ts'
import type { NodeEpochInput } from './score-node.ts'
import { splitByWeight } from './split-by-weight.ts'

export interface EpochWindow {
  /** `<startMs>` as decimal text: epochs are aligned, so the start names one. */
  readonly id: string
  readonly startMs: number
  readonly endMs: number
}

export type { OperatorPayout } from './operator-payout.ts'

export interface EpochClosePlan {
  readonly epoch: EpochWindow
  /** The schedule's emission for the epoch; `emitted` of it was distributed (0 when no node scored). */
  readonly emission: bigint
  readonly emitted: bigint
  /** Buyers' payments credited to operators during the epoch (by metering), held or not. */
  readonly usagePaid: bigint
  readonly nodesRewarded: number
  readonly scores: readonly NodeScore[]
  readonly payouts: readonly OperatorPayout[]
  /** Ledger transactions to post through the ledger writer, each with an epoch-scoped id. */
  readonly transactions: readonly LedgerTransactionInput[]
}

export interface PlanEpochCloseParameters {
  readonly epoch: EpochWindow
  readonly emission: bigint
  readonly nodes: readonly NodeEpochInput[]
  /** Usage earnings credited to each operator's pending account during the epoch. */
  readonly usageEarnings: ReadonlyMap<AccountId, bigint>
  readonly config: ScoreConfig
}

/**
 * Closes an epoch on paper: scores every node, applies the anti-Sybil rules, splits the
 * emission by weight (exactly, largest remainder) and holds the usage earnings of
 * operators with a node caught cheating. Pure and deterministic: the same inputs give
 * the same transactions with the same ids, which is what makes the close idempotent.
 */
export function planEpochClose(parameters: PlanEpochCloseParameters): EpochClosePlan {
  const { epoch, config } = parameters
  const epochHours = (epoch.endMs - epoch.startMs) / 3_600_000
  const ordered = [...parameters.nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0))
  const scores = applySybilRules(
    ordered.map((node) => scoreNode(node, epochHours, config)),
    ordered.map((node) => node.registeredAtMs),
    config.weightScale,
    config.isOneNodePerIp,
  )
  const { shares } = splitByWeight(parameters.emission, scores.map((score) => score.weight))

  const emissionByOperator = new Map<AccountId, bigint>()
  let emitted = 0n
  let nodesRewarded = 0
  scores.forEach((score, index) => {
    const share = shares[index] ?? 0n
    if (share === 0n) return
    nodesRewarded += 1
    emitted += share
    emissionByOperator.set(score.operatorId, (emissionByOperator.get(score.operatorId) ?? 0n) + share)
  })
  const heldReasons = new Map<AccountId, string>()
  for (const score of scores) {
    const cheat = score.penalties.find((penalty) => penalty.kind === 'content-probe-failed' || penalty.kind === 'usage-implausible')
    if (cheat !== undefined && !heldReasons.has(score.operatorId)) heldReasons.set(score.operatorId, `node ${score.nodeId}: ${cheat.reason}`)
  }

  const payouts: OperatorPayout[] = []
  for (const [operatorId, amount] of emissionByOperator) payouts.push({ operatorId, source: 'emission', amount, heldReason: null })
  let usagePaid = 0n
  for (const [operatorId, amount] of parameters.usageEarnings) {
    if (amount <= 0n) continue
    usagePaid += amount
    payouts.push({ operatorId, source: 'usage', amount, heldReason: heldReasons.get(operatorId) ?? null })
  }
  const transactions = buildEpochTransactions(epoch.id, payouts)
  return { epoch, emission: parameters.emission, emitted, usagePaid, nodesRewarded, scores, payouts, transactions }
}
