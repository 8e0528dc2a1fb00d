import type { AccountId } from '@meson/protocol'
import type { LedgerTransactionInput, PostTransactionResult } from '../store/store.ts'
import { closeEpoch } from './close-epoch.ts'
import type { CloseEpochResult } from './close-epoch.ts'
import type { EmissionSchedule } from './emission-schedule.ts'
import { endedEpochs, epochContaining } from './epoch-window.ts'
import type { NodeScore } from './node-score.ts'
import type { RewardableNode } from './rewardable-node.ts'
import type { EarningsRow, EpochSummary, RewardsStore } from './rewards-store.ts'
import type { ScoreConfig } from './score-config.ts'

export interface RewardsInit {
  readonly rewardsStore: RewardsStore
  readonly listNodes: () => Promise<readonly RewardableNode[]>
  /** The one ledger writer. */
  readonly postTransaction: (tx: LedgerTransactionInput) => Promise<PostTransactionResult>
  readonly emissionSchedule: EmissionSchedule
  readonly scoreConfig: ScoreConfig
  readonly epochLengthMs: number
  /** How long after an epoch ends it is closed, so usage in flight at its end is counted. */
  readonly closeDelayMs: number
  readonly now?: () => number
  readonly onError?: (error: unknown) => void
  readonly onClosed?: (epochId: string, result: CloseEpochResult) => void
  /**
   * Runs before due epochs are closed; a failure postpones the close to the next tick.
   * Metering delivers here the implausibility flags kept with their usage batches, so a
   * crash between a batch's commit and its flag still holds the node's earnings.
   */
  readonly beforeClose?: () => Promise<void>
}

/** Most epochs one tick closes (after a long downtime the rest follow on the next ticks). */
const CATCH_UP_EPOCHS = 24

/**
 * Rewards: closes each epoch once it has ended (on a timer, `start()` / `stop()`), and
 * answers the explainability queries. Several replicas may run it: the epoch's stored
 * claim lets exactly one close it, and the ledger transaction ids make repeats no-ops.
 */
export class Rewards {
  readonly #init: RewardsInit
  readonly #now: () => number
  #timer: ReturnType<typeof setTimeout> | undefined
  #closing: Promise<void> | undefined
  #stopped = true
  /** On a database with no epoch yet, the first epoch closed is the first that starts after this. */
  readonly #createdAtMs: number

  constructor(init: RewardsInit) {
    if (!Number.isSafeInteger(init.epochLengthMs) || init.epochLengthMs < 1000) throw new RangeError('epochLengthMs must be an integer >= 1000')
    this.#init = init
    this.#now = init.now ?? Date.now
    this.#createdAtMs = this.#now()
  }

  /** The curves scores are computed (and explained) with. */
  get scoreConfig(): ScoreConfig {
    return this.#init.scoreConfig
  }

  get epochLengthMs(): number {
    return this.#init.epochLengthMs
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#schedule()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#closing
  }

  /** Closes every ended epoch not closed yet, oldest first (at most a day's worth per call). */
  async closeDueEpochs(): Promise<readonly { readonly epochId: string; readonly result: CloseEpochResult }[]> {
    const { epochLengthMs, closeDelayMs } = this.#init
    const now = this.#now()
    const latest = await this.#init.rewardsStore.latestEpoch()
    // A fresh network starts with the first whole epoch it saw, not one it joined half-way.
    const firstStart = latest === undefined ? epochContaining(this.#createdAtMs, epochLengthMs).endMs : latest.closedAtMs === null ? latest.startMs : latest.endMs
    const results: { epochId: string; result: CloseEpochResult }[] = []
    const due = endedEpochs(firstStart, now - closeDelayMs, epochLengthMs, CATCH_UP_EPOCHS)
    if (due.length > 0) await this.#init.beforeClose?.()
    for (const epoch of due) {
      const result = await closeEpoch(epoch, { ...this.#init, now: this.#now })
      results.push({ epochId: epoch.id, result })
      this.#init.onClosed?.(epoch.id, result)
    }
    return results
  }

  listEpochs(limit: number): Promise<readonly EpochSummary[]> {
    return this.#init.rewardsStore.listEpochs(limit)
  }

  listEarnings(operatorId: AccountId, limit: number): Promise<readonly EarningsRow[]> {
    return this.#init.rewardsStore.listEarnings(operatorId, limit)
  }

  getNodeScore(nodeId: string, epochId?: string): Promise<(NodeScore & { readonly epochId: string }) | undefined> {
    return this.#init.rewardsStore.getNodeScore(nodeId, epochId)
  }

  listNodePenalties(nodeId: string, limit: number): Promise<readonly { readonly epochId: string; readonly kind: string; readonly reason: string }[]> {
    return this.#init.rewardsStore.listNodePenalties(nodeId, limit)
  }

  #schedule(): void {
    if (this.#stopped) return
    // Wake a little after the next epoch's close time; at most every minute to notice clock jumps.
    const { epochLengthMs, closeDelayMs } = this.#init
    const now = this.#now()
    const nextClose = epochContaining(now - closeDelayMs, epochLengthMs).endMs + closeDelayMs
    const delayMs = Math.min(Math.max(nextClose - now + 10, 10), 60_000)
    this.#timer = setTimeout(() => {
      this.#closing = this.closeDueEpochs()
        .then(() => undefined)
        .catch((error: unknown) => this.#init.onError?.(error))
        .finally(() => {
          this.#closing = undefined
          this.#schedule()
        })
    }, delayMs)
    this.#timer.unref()
  }
}
