import { newAccountId, newZoneId } from '@meson/protocol'
import type { AccountId, NodeId } from '@meson/protocol'
import type { Kysely } from 'kysely'
import type {
  Account,
  AccountRole,
  CreateZoneResult,
  LedgerAccount,
  LedgerEntry,
  LedgerTransactionInput,
  NodeRecord,
  PostTransactionResult,
  Store,
  Zone,
} from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import { checkLedgerTransaction } from './check-ledger-transaction.ts'
import { isForeignKeyViolation } from './database-errors.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { toAccount, toLedgerEntry, toNodeRecord, toZone } from './map-rows.ts'
import type { SqlDialect } from './sql-dialect.ts'
import { isStorableMoney } from './storable-money.ts'

/** Ledger entry rows per INSERT (4 parameters each). */
const ENTRIES_PER_INSERT = 5000

/**
 * The `Store` over kysely, one code path for SQLite and PostgreSQL. Every value
 * reaches SQL as a bound parameter (kysely never splices values into the text).
 * Race safety comes from constraints, not from reading first: unique names and
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

  async createZone(input: { accountId: AccountId; name: string; origin: string; pricePerGiB: bigint }): Promise<CreateZoneResult> {
    if (input.pricePerGiB < 0n || !isStorableMoney(input.pricePerGiB)) {
      throw new StoreError('AMOUNT_OUT_OF_RANGE', 'A zone price must be between 0 and 10^78 - 1 base units per GiB.')
    }
    const row = {
      id: newZoneId(),
      account_id: input.accountId,
      name: input.name,
      origin: input.origin,
      price_per_gib: input.pricePerGiB.toString(),
      created_at: this.#now().getTime(),
    }
    // The UNIQUE(name) constraint decides between two racing creators.
    const inserted = await this.#translateForeignKey(input.accountId, () =>
      this.#db
        .insertInto('zones')
        .values(row)
        .onConflict((conflict) => conflict.column('name').doNothing())
        .returning('id')
        .executeTakeFirst(),
    )
    if (inserted === undefined) return { status: 'name-taken' }
    return { status: 'created', zone: toZone(row) }
  }

  async getZoneByName(name: string): Promise<Zone | undefined> {
    const row = await this.#db.selectFrom('zones').selectAll().where('name', '=', name).executeTakeFirst()
    return row === undefined ? undefined : toZone(row)
  }

  /** Zones of one account, ordered by name. */
  async listZones(accountId: AccountId): Promise<readonly Zone[]> {
    const rows = await this.#db.selectFrom('zones').selectAll().where('account_id', '=', accountId).orderBy('name').execute()
    return rows.map(toZone)
  }

  async deleteZone(accountId: AccountId, name: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('zones')
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  async upsertNode(node: Omit<NodeRecord, 'registeredAt' | 'lastHeartbeatAt'>): Promise<NodeRecord> {
    const changes = {
      operator_id: node.operatorId,
      public_key: node.publicKey,
      public_url: node.publicUrl,
      version: node.version,
      status: node.status,
    }
    // registered_at and last_heartbeat_at survive a re-registration.
    const row = await this.#translateForeignKey(node.operatorId, () =>
      this.#db
        .insertInto('nodes')
        .values({ id: node.id, ...changes, registered_at: this.#now().getTime(), last_heartbeat_at: null })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(changes))
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    return toNodeRecord(row)
  }

  async getNode(id: NodeId): Promise<NodeRecord | undefined> {
    const row = await this.#db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst()
    return row === undefined ? undefined : toNodeRecord(row)
  }

  /** Nodes ordered by registration time, then id. */
  async listNodes(filter: { operatorId?: AccountId } = {}): Promise<readonly NodeRecord[]> {
    let query = this.#db.selectFrom('nodes').selectAll()
    if (filter.operatorId !== undefined) query = query.where('operator_id', '=', filter.operatorId)
    const rows = await query.orderBy('registered_at').orderBy('id').execute()
    return rows.map(toNodeRecord)
  }

  async recordHeartbeat(id: NodeId, at: Date): Promise<boolean> {
    const result = await this.#db.updateTable('nodes').set({ last_heartbeat_at: at.getTime() }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async postTransaction(tx: LedgerTransactionInput): Promise<PostTransactionResult> {
    const check = checkLedgerTransaction(tx)
    if (!check.ok) throw new StoreError(check.code, 'The ledger transaction was refused.', { details: check.reason })
    const createdAt = this.#now().getTime()
    return this.#db.transaction().execute(async (trx): Promise<PostTransactionResult> => {
      // Claiming the idempotency key first makes a racing post of the same id wait
      // on the primary key (PostgreSQL) or the write lock (SQLite), then find it
      // taken and insert nothing. It is also the first write, so an SQLite
      // transaction never has to upgrade a read lock (which busy_timeout can't fix).
      const claimed = await trx
        .insertInto('ledger_transactions')
        .values({ id: tx.id, kind: tx.kind, memo: tx.memo ?? null, created_at: createdAt })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning('id')
        .executeTakeFirst()
      if (claimed === undefined) return { status: 'duplicate' }
      // In slices: an epoch's emission has one entry per operator, which may be more
      // rows than one statement can bind (SQLite: 32 766 parameters, PostgreSQL: 65 535).
      for (let start = 0; start < tx.entries.length; start += ENTRIES_PER_INSERT) {
        await trx
          .insertInto('ledger_entries')
          .values(
            tx.entries.slice(start, start + ENTRIES_PER_INSERT).map((entry) => ({
              transaction_id: tx.id,
              ledger_account: entry.ledgerAccount,
              amount: entry.amount.toString(),
              created_at: createdAt,
            })),
          )
          .execute()
      }
      return { status: 'applied' }
    })
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
