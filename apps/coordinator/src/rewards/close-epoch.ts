import type { LedgerTransactionInput, PostTransactionResult } from '../store/store.ts'
import { buildEpochTransactions } from './build-epoch-transactions.ts'
import { eachNodeEpochInput } from './build-node-epoch-inputs.ts'
import type { EmissionSchedule } from './emission-schedule.ts'
import { emissionForEpoch } from './emission-schedule.ts'
import { planEpochClose } from './plan-epoch-close.ts'
import type { EpochClosePlan, EpochWindow } from './plan-epoch-close.ts'
import type { RewardableNode } from './rewardable-node.ts'
import type { RewardsStore } from './rewards-store.ts'
import type { ScoreConfig } from './score-config.ts'

export interface CloseEpochComponents {
  readonly rewardsStore: RewardsStore
  /** Every registered node (the fleet store's `listFleetNodes`). */
  readonly listNodes: () => Promise<readonly RewardableNode[]>
  /** The one ledger writer (`Store.postTransaction`): idempotent by transaction id. */
  readonly postTransaction: (tx: LedgerTransactionInput) => Promise<PostTransactionResult>
  readonly emissionSchedule: EmissionSchedule
  readonly scoreConfig: ScoreConfig
  readonly now: () => number
  /** Test hook: runs after each ledger transaction is posted (a crash point). */
  readonly afterPost?: (tx: LedgerTransactionInput) => void
}

export type CloseEpochResult =
  | { readonly status: 'closed'; readonly claimed: boolean; readonly posted: number }
  | { readonly status: 'already-closed' }
  | { readonly status: 'not-ended' }

/**
 * Closes one epoch, idempotently, in three steps, each safe to repeat:
 * 1. plan from the fleet and the epoch's evidence, and store the plan under the epoch's
 *    id (one transaction; the primary key makes one replica the closer, and a resumed
 *    close reads the stored plan instead of planning again);
 * 2. post the ledger transactions rebuilt from the stored payouts through the ledger
 *    writer (their ids make a repeat a no-op);
 * 3. mark the epoch closed.
 * A crash anywhere leaves a state from which running it again gives the same ledger.
 */
export async function closeEpoch(epoch: EpochWindow, components: CloseEpochComponents): Promise<CloseEpochResult> {
  const { rewardsStore } = components
  if (components.now() < epoch.endMs) return { status: 'not-ended' }
  const existing = await rewardsStore.getEpoch(epoch.id)
  if (existing !== undefined && existing.closedAtMs !== null) return { status: 'already-closed' }
  const claimed = existing === undefined ? await planAndClaim(epoch, components) : false
  const transactions = buildEpochTransactions(epoch.id, await rewardsStore.listEpochPayouts(epoch.id))
  let posted = 0
  for (const transaction of transactions) {
    if ((await components.postTransaction(transaction)).status === 'applied') posted += 1
    components.afterPost?.(transaction)
  }
  await rewardsStore.markEpochClosed(epoch.id, components.now())
  return { status: 'closed', claimed, posted }
}

/**
 * Steps 1: plans the epoch and stores the plan. Its own function so that the fleet, the
 * evidence and the plan (a million nodes' worth) can be collected before posting.
 */
async function planAndClaim(epoch: EpochWindow, components: CloseEpochComponents): Promise<boolean> {
  const plan = await planFromEvidence(epoch, components)
  return (await components.rewardsStore.claimEpoch(plan, components.now())) === 'claimed'
}

/** Reads the fleet and the evidence and plans; they are dropped on return, before the plan is stored. */
async function planFromEvidence(epoch: EpochWindow, components: CloseEpochComponents): Promise<EpochClosePlan> {
  const [nodes, evidence] = await Promise.all([components.listNodes(), components.rewardsStore.loadEpochEvidence(epoch.startMs, epoch.endMs)])
  return planEpochClose({
    epoch,
    emission: emissionForEpoch(components.emissionSchedule, epoch.startMs, epoch.endMs),
    nodes: eachNodeEpochInput(nodes, evidence, epoch),
    usageEarnings: evidence.usageEarnings,
    config: components.scoreConfig,
  })
}
