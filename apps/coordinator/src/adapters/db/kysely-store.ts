import { newAccountId } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import type { Kysely } from 'kysely'
import type {
  Account,
  AccountRole,
  LedgerAccount,
  LedgerEntry,
  LedgerTransactionInput,
  PostTransactionResult,
  Store,
} from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import { isForeignKeyViolation } from './database-errors.ts'
import { postLedgerTransaction } from './post-ledger-transaction.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { toAccount, toLedgerEntry } from './map-rows.ts'
import type { SqlDialect } from './sql-dialect.ts'

/**
 * The `Store` over kysely, one code path for SQLite and PostgreSQL. Every value
 * reaches SQL as a bound parameter (kysely never splices values into the text).
 * Race safety comes from constraints, not from reading first: token hashes and
 * idempotency keys are primary keys / UNIQUE, written with ON CONFLICT DO NOTHING.
 */
export class KyselyStore implements Store {
  readonly dialect: SqlDialect
  readonly #db: Kysely<DatabaseSchema>
  readonly #now: () => Date

  constructor(db: Kysely<DatabaseSchema>, options: { readonly dialect: SqlDialect; readonly now: () => Date }) {
    this.#db = db
    this.dialect = options.dialect
    this.#now = options.now
  }

  async createAccount(input: { name: string; role: AccountRole; payoutAddress?: string | null }): Promise<Account> {
    const row = {
      id: newAccountId(),
      name: input.name,
      role: input.role,
      payout_address: input.payoutAddress ?? null,
      created_at: this.#now().getTime(),
    }
    await this.#db.insertInto('accounts').values(row).execute()
    return toAccount(row)
  }

  async getAccount(id: AccountId): Promise<Account | undefined> {
    const row = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
    return row === undefined ? undefined : toAccount(row)
  }

  async setPayoutAddress(id: AccountId, address: string | null): Promise<void> {
    const result = await this.#db.updateTable('accounts').set({ payout_address: address }).where('id', '=', id).executeTakeFirst()
    if (result.numUpdatedRows === 0n) throw accountNotFound(id)
  }

  async addApiToken(accountId: AccountId, tokenHashHex: string): Promise<void> {
    const tokenHash = tokenHashHex.toLowerCase()
    await this.#translateForeignKey(accountId, () =>
      this.#db
        .insertInto('api_tokens')
        .values({ token_hash: tokenHash, account_id: accountId, created_at: this.#now().getTime() })
        .onConflict((conflict) => conflict.column('token_hash').doNothing())
        .execute(),
    )
    // Adding the same token to the same account again is a no-op; a hash that
    // already belongs to someone else must never silently move.
    const owner = await this.#db.selectFrom('api_tokens').select('account_id').where('token_hash', '=', tokenHash).executeTakeFirst()
    if (owner?.account_id !== accountId) {
      throw new StoreError('TOKEN_HASH_TAKEN', 'This API token is already registered to another account.')
    }
  }

  async findAccountByTokenHash(tokenHashHex: string): Promise<Account | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
      .selectAll('accounts')
      .where('api_tokens.token_hash', '=', tokenHashHex.toLowerCase())
      .executeTakeFirst()
    return row === undefined ? undefined : toAccount(row)
  }

  async postTransaction(tx: LedgerTransactionInput): Promise<PostTransactionResult> {
    const createdAt = this.#now().getTime()
    return this.#db.transaction().execute((trx) => postLedgerTransaction(trx, tx, createdAt, this.dialect))
  }

  async getBalance(ledgerAccount: LedgerAccount): Promise<bigint> {
    if (this.dialect === 'postgres') {
      // SUM over numeric is exact numeric in PostgreSQL; pg hands it over as a string.
      const row = await this.#db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.sum<string | null>('amount').as('balance'))
        .where('ledger_account', '=', ledgerAccount)
        .executeTakeFirstOrThrow()
      return row.balance === null ? 0n : BigInt(row.balance)
    }
    // SQLite would SUM() TEXT as a double and lose digits, so the sum is done here.
    const rows = await this.#db.selectFrom('ledger_entries').select('amount').where('ledger_account', '=', ledgerAccount).execute()
    let balance = 0n
    for (const row of rows) balance += BigInt(row.amount)
    return balance
  }

  /** Entries of a ledger account, newest first (in posting order); all of them unless `limit` is given. */
  async listEntries(ledgerAccount: LedgerAccount, options: { limit?: number } = {}): Promise<readonly LedgerEntry[]> {
    const { limit } = options
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new StoreError('INVALID_ARGUMENT', 'The limit must be a non-negative integer.')
    }
    let query = this.#db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .select([
        'ledger_entries.transaction_id',
        'ledger_transactions.kind',
        'ledger_transactions.memo',
        'ledger_entries.ledger_account',
        'ledger_entries.amount',
        'ledger_entries.created_at',
      ])
      .where('ledger_entries.ledger_account', '=', ledgerAccount)
      .orderBy('ledger_entries.id', 'desc')
    if (limit !== undefined) query = query.limit(limit)
    const rows = await query.execute()
    return rows.map(toLedgerEntry)
  }

  async close(): Promise<void> {
    await this.#db.destroy()
  }

  async #translateForeignKey<T>(accountId: AccountId, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (isForeignKeyViolation(error)) throw accountNotFound(accountId, error)
      throw error
    }
  }
}

function accountNotFound(id: AccountId, cause?: unknown): StoreError {
  return new StoreError('ACCOUNT_NOT_FOUND', 'The account does not exist.', { details: `account ${id}`, cause })
}
