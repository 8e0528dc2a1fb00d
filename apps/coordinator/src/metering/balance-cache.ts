import type { AccountId } from '@meson/protocol'

/**
 * Buyers' credit balances in memory, so the redirector can answer 402 without a
 * database query (DESIGN.md §10). Refreshed from the ledger when credit is granted and
 * after each usage charge; an account not loaded yet counts as having balance (the
 * redirector must not refuse a paying buyer because a cache is cold).
 */
export class BalanceCache {
  readonly #balances = new Map<string, bigint>()
  readonly #readBalance: (accountId: AccountId) => Promise<bigint>
  readonly #onFlip: (accountId: AccountId, hasBalance: boolean) => void

  /**
   * @param readBalance reads the exact balance from the ledger
   * @param onFlip called when an account's `hasBalance` changes (the zone directory rebuilds)
   */
  constructor(readBalance: (accountId: AccountId) => Promise<bigint>, onFlip: (accountId: AccountId, hasBalance: boolean) => void = () => undefined) {
    this.#readBalance = readBalance
    this.#onFlip = onFlip
  }

  /** True unless the buyer's known balance is zero or below. */
  hasBalance(accountId: AccountId): boolean {
    const balance = this.#balances.get(accountId)
    return balance === undefined || balance > 0n
  }

  /** The cached balance, if loaded. */
  balanceOf(accountId: AccountId): bigint | undefined {
    return this.#balances.get(accountId)
  }

  /** Re-reads one account's balance from the ledger. */
  async refresh(accountId: AccountId): Promise<bigint> {
    const balance = await this.#readBalance(accountId)
    this.set(accountId, balance)
    return balance
  }

  /** Sets a balance read elsewhere (e.g. right after a credit). */
  set(accountId: AccountId, balance: bigint): void {
    const before = this.hasBalance(accountId)
    this.#balances.set(accountId, balance)
    const after = this.hasBalance(accountId)
    if (before !== after) this.#onFlip(accountId, after)
  }
}
