import type { AccountId } from '@meson/protocol'

/**
 * The coordinator's storage port of accounts, API tokens and the ledger (zones have
 * their own, `zones/zone-store.ts`). One implementation (kysely) serves SQLite and
 * PostgreSQL; the compliance suite in `store.contract.ts` runs against both.
 * Money is bigint base units (18 decimals); nothing here is ever a float.
 */

export type AccountRole = 'buyer' | 'operator'

export interface Account {
  readonly id: AccountId
  readonly name: string
  readonly role: AccountRole
  /** EVM address (0x + 40 hex, checksummed or lowercase) for payouts, if bound. */
  readonly payoutAddress: string | null
  readonly createdAt: Date
}

/**
 * Ledger accounts are strings with a kind prefix, e.g. `buyer:<accountId>`,
 * `operator:<accountId>:pending`, `system:grants`, `system:revenue`.
 */
export type LedgerAccount = string

export interface LedgerEntryInput {
  readonly ledgerAccount: LedgerAccount
  /** Signed amount in base units; the entries of one transaction sum to zero. */
  readonly amount: bigint
}

export interface LedgerTransactionInput {
  /** Idempotency key: posting the same id twice applies it once. */
  readonly id: string
  readonly kind: string
  readonly memo?: string
  readonly entries: readonly LedgerEntryInput[]
}

export interface LedgerEntry {
  readonly transactionId: string
  readonly kind: string
  readonly memo: string | null
  readonly ledgerAccount: LedgerAccount
  readonly amount: bigint
  readonly createdAt: Date
}

export type PostTransactionResult =
  | { readonly status: 'applied' }
  /** The id was posted before; nothing changed. */
  | { readonly status: 'duplicate' }

/** Storage port of the coordinator. All methods are safe to call concurrently. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres'

  createAccount(input: { name: string; role: AccountRole; payoutAddress?: string | null }): Promise<Account>
  getAccount(id: AccountId): Promise<Account | undefined>
  setPayoutAddress(id: AccountId, address: string | null): Promise<void>

  /** Stores the SHA-256 (hex) of an API token for an account. */
  addApiToken(accountId: AccountId, tokenHashHex: string): Promise<void>
  findAccountByTokenHash(tokenHashHex: string): Promise<Account | undefined>

  /**
   * Appends a balanced double-entry transaction atomically. Rejects (throws a
   * StoreError with code `LEDGER_UNBALANCED`) when entries do not sum to zero or
   * there are fewer than two. Entries are never updated or deleted.
   */
  postTransaction(tx: LedgerTransactionInput): Promise<PostTransactionResult>
  /** Sum of all entries of a ledger account, exact. */
  getBalance(ledgerAccount: LedgerAccount): Promise<bigint>
  listEntries(ledgerAccount: LedgerAccount, options?: { limit?: number }): Promise<readonly LedgerEntry[]>

  close(): Promise<void>
}
