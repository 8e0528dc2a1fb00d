import type { Hex } from 'viem'
import { buildCumulativeMerkleTree } from './cumulative-merkle-tree.ts'
import type { Distributor } from './distributor.ts'
import type { EarningsSource } from './operator-earnings.ts'
import { planSettlement } from './plan-settlement.ts'
import { SettlementError } from './settlement-error.ts'
import type { SettlementRecord, SettlementStore } from './settlement-store.ts'
import { SingleFlightTimer } from './single-flight-timer.ts'

export interface SettlerInit {
  readonly store: SettlementStore
  readonly earnings: EarningsSource
  readonly distributor: Distributor
  /** Blocks a root must be under before it is recorded as settled (1 = its own block). */
  readonly confirmations: number
  readonly now?: () => Date
  /** Called with each background failure of the timer; the next tick tries again. */
  readonly onError?: (error: unknown) => void
}

export type SettleOutcome =
  | { readonly status: 'unchanged' }
  /** A root was sent and is waiting to be confirmed (the next call finishes it). */
  | { readonly status: 'pending'; readonly sequence: number; readonly root: Hex }
  | { readonly status: 'settled'; readonly sequence: number; readonly root: Hex; readonly txHash: Hex }

/**
 * Posts the cumulative earnings tree as the distributor's next root, once, and records
 * it. Idempotent across crashes: a settlement is recorded as `planned` before it is sent,
 * and finishing one first asks the chain whether root `sequence` is already there (the
 * contract refuses any sequence but the next), so a root is never posted twice.
 * `settle()` runs after each epoch closes (the coordinator's SettlementTrigger).
 */
export class Settler {
  readonly #init: SettlerInit
  readonly #now: () => Date
  readonly #runs: SingleFlightTimer<SettleOutcome>

  constructor(init: SettlerInit) {
    this.#init = init
    this.#runs = new SingleFlightTimer(() => this.#settleOnce(), init.onError)
    this.#now = init.now ?? (() => new Date())
  }

  /** Settles what is new; concurrent calls share one run. */
  settle(): Promise<SettleOutcome> {
    return this.#runs.run()
  }

  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void> {
    return this.#runs.stop()
  }

  async #settleOnce(): Promise<SettleOutcome> {
    const { store } = this.#init
    const latest = await store.latestSettlement()
    if (latest !== undefined && latest.status !== 'confirmed') {
      const finished = await this.#finish(latest)
      if (finished.status !== 'settled') return finished
    }
    const confirmed = await store.latestConfirmedSettlement()
    const previous = confirmed === undefined ? [] : await store.listAllocations(confirmed.sequence)
    const plan = planSettlement({ earnings: await this.#init.earnings.listOperatorEarnings(), previous })
    if (plan.status === 'unchanged') return latest !== undefined && latest.status !== 'confirmed' ? this.#summary(latest.sequence) : { status: 'unchanged' }
    const tree = buildCumulativeMerkleTree(plan.entries)
    const sequence = (confirmed?.sequence ?? 0) + 1
    const totalAmount = plan.entries.reduce((sum, entry) => sum + entry.cumulativeAmount, 0n)
    await store.recordPlanned({ sequence, root: tree.root, totalAmount, allocations: plan.allocations })
    const record = await store.latestSettlement()
    if (record?.sequence !== sequence) throw new SettlementError('SETTLEMENT_DIVERGED', `Settlement ${sequence} was not recorded.`)
    return this.#finish(record)
  }

  async #summary(sequence: number): Promise<SettleOutcome> {
    const latest = await this.#init.store.latestSettlement()
    if (latest?.sequence === sequence && latest.status === 'confirmed' && latest.txHash !== null) return { status: 'settled', sequence, root: latest.root, txHash: latest.txHash }
    return { status: 'unchanged' }
  }

  /** Takes a planned or sent settlement to confirmed, sending its root only if the chain lacks it. */
  async #finish(record: SettlementRecord): Promise<SettleOutcome> {
    const { store, distributor, confirmations } = this.#init
    let txHash = record.txHash
    const chainSequence = await distributor.readSequence()
    if (chainSequence >= record.sequence) {
      // Sent before a crash (or by a retry): the chain's event names the transaction.
      const posted = await distributor.findRootPosted(record.sequence)
      if (posted?.root !== record.root) {
        throw new SettlementError('SETTLEMENT_DIVERGED', `The distributor holds another root under sequence ${record.sequence}.`, {
          details: `ours ${record.root}, chain ${posted?.root ?? 'none'}`,
        })
      }
      txHash = posted.txHash
      if (record.txHash !== txHash) await store.markSent(record.sequence, txHash)
    } else {
      if (chainSequence !== record.sequence - 1) {
        throw new SettlementError('SETTLEMENT_DIVERGED', `The distributor is at sequence ${chainSequence}, behind our settlement ${record.sequence - 1}.`)
      }
      if (txHash !== null && (await distributor.waitForConfirmations(txHash, confirmations)) === 'confirmed') {
        await store.markConfirmed(record.sequence, txHash, this.#now())
        return { status: 'settled', sequence: record.sequence, root: record.root, txHash }
      }
      txHash = await distributor.postRoot(record.sequence, record.root)
      await store.markSent(record.sequence, txHash)
    }
    const outcome = await distributor.waitForConfirmations(txHash, confirmations)
    if (outcome === 'reverted') throw new SettlementError('SETTLEMENT_REVERTED', `The distributor refused root ${record.sequence}.`, { details: `transaction ${txHash}` })
    if (outcome === 'dropped') return { status: 'pending', sequence: record.sequence, root: record.root }
    await store.markConfirmed(record.sequence, txHash, this.#now())
    return { status: 'settled', sequence: record.sequence, root: record.root, txHash }
  }
}
