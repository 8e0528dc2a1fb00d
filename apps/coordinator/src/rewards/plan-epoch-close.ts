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
  /** Any order; an iterable, so the inputs of a million nodes need not exist all at once. */
  readonly nodes: Iterable<NodeEpochInput>
  /** Usage earnings credited to each operator's pending account during the epoch. */
  readonly usageEarnings: ReadonlyMap<AccountId, bigint>
  readonly config: ScoreConfig
}

/** A score as the plan builds it: the anti-Sybil rules then set its weight and add their penalty. */
type MutableNodeScore = { -readonly [Key in keyof NodeScore]: NodeScore[Key] }

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
  // Scored as the inputs come (an input is dropped as soon as it is scored), then put in
  // node id order, so the plan does not depend on the order of the fleet.
  const unordered: MutableNodeScore[] = []
  const registeredAtMs: number[] = []
  for (const node of parameters.nodes) {
    unordered.push({ ...scoreNode(node, epochHours, config), weight: 0n })
    registeredAtMs.push(node.registeredAtMs)
  }
  const order = Array.from(unordered.keys()).sort((a, b) => compareText(unordered[a]?.nodeId ?? '', unordered[b]?.nodeId ?? '') || a - b)
  const scores = order.map((index) => unordered[index]).filter((score) => score !== undefined)
  unordered.length = 0
  const sybil = applySybilRules(scores, order.map((index) => registeredAtMs[index] ?? 0), config.weightScale, config.isOneNodePerIp)
  scores.forEach((score, index) => {
    score.weight = sybil.weights[index] ?? 0n
    const penalty = sybil.penalties[index]
    if (penalty !== undefined) score.penalties = [...score.penalties, penalty]
  })
  const { shares } = splitByWeight(parameters.emission, sybil.weights)

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
