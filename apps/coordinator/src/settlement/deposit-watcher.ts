import type { AccountId } from '@meson/protocol'
import type { Store } from '../store/store.ts'
import { buildDepositTransaction } from './build-deposit-transaction.ts'
import type { DepositLogSource } from './deposit-log-source.ts'
import type { SettlementStore } from './settlement-store.ts'
import { SingleFlightTimer } from './single-flight-timer.ts'

export interface DepositWatcherInit {
  readonly logs: DepositLogSource
  /** The ledger (its one posting path) and the accounts. */
  readonly store: Pick<Store, 'postTransaction' | 'getAccount'>
  readonly cursors: Pick<SettlementStore, 'getCursor' | 'setCursor'>
  /**
   * A deposit is credited once its block has this many confirmations (its own block
   * counts as one). Reorganisations shallower than this never touch a credited block.
   */
  readonly confirmations: number
  /** First block to look at when no cursor is stored (the vault's deployment block). */
  readonly startBlock: bigint
  /** Blocks per log query. */
  readonly maxBlockRange?: bigint
  readonly cursorName?: string
  readonly onError?: (error: unknown) => void
}

/**
 * Credits vault deposits to buyers. Only blocks with enough confirmations are read, the
 * cursor moves after their deposits are posted, and each posting is idempotent by
 * (transaction hash, log index): a restart anywhere re-reads at most one range and
 * credits nothing twice.
 */
export class DepositWatcher {
  readonly #init: DepositWatcherInit
  readonly #runs: SingleFlightTimer<number>

  constructor(init: DepositWatcherInit) {
    this.#init = init
    this.#runs = new SingleFlightTimer(() => this.#pollOnce(), init.onError)
  }

  /** Credits every newly confirmed deposit; returns how many logs were posted. */
  poll(): Promise<number> {
    return this.#runs.run()
  }

  /** Runs every `intervalMs` (the first time right away). */
  start(intervalMs: number): void {
    this.#runs.start(intervalMs)
  }

  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void> {
    return this.#runs.stop()
  }

  async #pollOnce(): Promise<number> {
    const { logs, store, cursors } = this.#init
    const name = this.#init.cursorName ?? 'vault-deposits'
    const range = this.#init.maxBlockRange ?? 2_000n
    const safe = (await logs.readHead()) - BigInt(this.#init.confirmations) + 1n
    const cursor = await cursors.getCursor(name)
    let from = cursor === undefined ? this.#init.startBlock : cursor + 1n
    let posted = 0
    while (from <= safe) {
      const to = from + range - 1n < safe ? from + range - 1n : safe
      for (const log of await logs.readDeposits(from, to)) {
        const account = await store.getAccount(log.accountId as AccountId)
        await store.postTransaction(buildDepositTransaction(log, account?.role === 'buyer' ? account.id : undefined))
        posted += 1
      }
      await cursors.setCursor(name, to)
      from = to + 1n
    }
    return posted
  }
}
