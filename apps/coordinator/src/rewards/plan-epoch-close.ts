import type { AccountId } from '@meson/protocol'
import type { LedgerTransactionInput } from '../store/store.ts'
import { buildEpochTransactions } from './build-epoch-transactions.ts'
import type { OperatorPayout } from './operator-payout.ts'
import { applySybilRules } from './apply-sybil-rules.ts'
import { EpochScoreTable } from './epoch-score-table.ts'
import { markEpochClosePhase } from './epoch-close-phases.ts'
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
  /** Every node's score, column by column, rows in the fleet's order. */
  readonly scores: EpochScoreTable
  readonly payouts: readonly OperatorPayout[]
  /** Ledger transactions to post through the ledger writer, each with an epoch-scoped id. */
  readonly transactions: readonly LedgerTransactionInput[]
}

export interface PlanEpochCloseParameters {
  readonly epoch: EpochWindow
  readonly emission: bigint
  /** Any order; an iterable, so the inputs of a million nodes need not exist all at once. */
  readonly nodes: Iterable<NodeEpochInput>
  /** Usage earnings credited to each operator's pending account during the epoch. */
  readonly usageEarnings: ReadonlyMap<AccountId, bigint>
  readonly config: ScoreConfig
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
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
  // Scored as the inputs come (an input is dropped as soon as it is scored, its score
  // kept as a row of column arrays). The rows stay in the fleet's order: every rule below
  // breaks ties by node id, not by row, so the plan does not depend on that order.
  const scores = new EpochScoreTable(epochHours)
  for (const node of parameters.nodes) scores.add(scoreNode(node, epochHours, config), node.registeredAtMs)
  markEpochClosePhase('scored')
  const sybil = applySybilRules(scores, config.weightScale, config.isOneNodePerIp)
  scores.weights = sybil.weights
  scores.sybilPenalties = sybil.penalties
  markEpochClosePhase('sybil')
  const ids = scores.nodeIds
  const { shares } = splitByWeight(parameters.emission, sybil.weights, (a, b) => compareText(ids[a] ?? '', ids[b] ?? ''))
  markEpochClosePhase('split')

  const emissionByOperator = new Map<AccountId, bigint>()
  let emitted = 0n
  let nodesRewarded = 0
  shares.forEach((share, row) => {
    if (share === 0n) return
    const operatorId = scores.operatorIds[row]
    if (operatorId === undefined) return
    nodesRewarded += 1
    emitted += share
    emissionByOperator.set(operatorId, (emissionByOperator.get(operatorId) ?? 0n) + share)
  })
  // An operator's held usage names its cheating node with the smallest id (whatever the fleet's order).
  const heldBy = new Map<AccountId, { readonly nodeId: string; readonly reason: string }>()
  for (const [row, penalties] of scores.penalties) {
    const operatorId = scores.operatorIds[row]
    const nodeId = scores.nodeIds[row] ?? '?'
    const cheat = penalties.find((penalty) => penalty.kind === 'content-probe-failed' || penalty.kind === 'usage-implausible')
    if (cheat === undefined || operatorId === undefined) continue
    const found = heldBy.get(operatorId)
    if (found === undefined || nodeId < found.nodeId) heldBy.set(operatorId, { nodeId, reason: cheat.reason })
  }
  const heldReasons = new Map<AccountId, string>()
  for (const [operatorId, held] of heldBy) heldReasons.set(operatorId, `node ${held.nodeId}: ${held.reason}`)

  const payouts: OperatorPayout[] = []
  for (const [operatorId, amount] of emissionByOperator) payouts.push({ operatorId, source: 'emission', amount, heldReason: null })
  let usagePaid = 0n
  for (const [operatorId, amount] of parameters.usageEarnings) {
    if (amount <= 0n) continue
    usagePaid += amount
    payouts.push({ operatorId, source: 'usage', amount, heldReason: heldReasons.get(operatorId) ?? null })
  }
  const transactions = buildEpochTransactions(epoch.id, payouts)
  markEpochClosePhase('payouts-planned')
  return { epoch, emission: parameters.emission, emitted, usagePaid, nodesRewarded, scores, payouts, transactions }
}
