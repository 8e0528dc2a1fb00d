import type { ColumnType, Kysely } from 'kysely'
import type { ProxyStore, ProxyUsageLine, ProxyUsageQuery } from '../../proxy/proxy-store.ts'
import type { DatabaseSchema } from './database-schema.ts'

type TimestampMs = ColumnType<number | string, number, number>

type ProxyTables = {
  proxy_credentials: { account_id: string; secret_hash: string; rotated_at: TimestampMs }
  proxy_usage: {
    id: string
    at_ms: TimestampMs
    account_id: string
    node_id: string
    operator_id: string
    session: string
    bytes_up: string
    bytes_down: string
    cost: string
  }
}

/** The `ProxyStore` on the main store's kysely instance (SQLite or PostgreSQL). */
export class KyselyProxyStore implements ProxyStore {
  readonly #db: Kysely<DatabaseSchema & ProxyTables>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db.$extendTables<ProxyTables>()
  }

  async setCredentialHash(accountId: string, secretHash: string, atMs: number): Promise<void> {
    await this.#db
      .insertInto('proxy_credentials')
      .values({ account_id: accountId, secret_hash: secretHash, rotated_at: atMs })
      .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ secret_hash: secretHash, rotated_at: atMs }))
      .execute()
  }

  async getCredentialHash(accountId: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom('proxy_credentials').select('secret_hash').where('account_id', '=', accountId).executeTakeFirst()
    return row?.secret_hash
  }

  async addUsage(lines: readonly ProxyUsageLine[]): Promise<void> {
    if (lines.length === 0) return
    await this.#db
      .insertInto('proxy_usage')
      .values(
        lines.map((line) => ({
          id: line.id,
          at_ms: line.atMs,
          account_id: line.accountId,
          node_id: line.nodeId,
          operator_id: line.operatorId,
          session: line.session,
          bytes_up: line.bytesUp.toString(),
          bytes_down: line.bytesDown.toString(),
          cost: line.cost.toString(),
        })),
      )
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute()
  }

  async listUsage(query: ProxyUsageQuery): Promise<readonly ProxyUsageLine[]> {
    let select = this.#db.selectFrom('proxy_usage').selectAll().where('at_ms', '>=', query.fromMs).where('at_ms', '<', query.toMs)
    if (query.accountId !== undefined) select = select.where('account_id', '=', query.accountId)
    if (query.operatorId !== undefined) select = select.where('operator_id', '=', query.operatorId)
    const rows = await select.orderBy('at_ms').orderBy('id').execute()
    return rows.map((row) => ({
      id: row.id,
      atMs: Number(row.at_ms),
      accountId: row.account_id,
      nodeId: row.node_id,
      operatorId: row.operator_id,
      session: row.session,
      bytesUp: BigInt(row.bytes_up),
      bytesDown: BigInt(row.bytes_down),
      cost: BigInt(row.cost),
    }))
  }
}
