import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/**
 * Makes Node's built-in `node:sqlite` `DatabaseSync` look like the subset of
 * better-sqlite3 that kysely's `SqliteDialect` drives, so SQLite needs no native
 * module. The differences it bridges:
 * - kysely asks `statement.reader` whether a statement returns rows (it then calls
 *   `all`, otherwise `run`); `node:sqlite` has no such flag, but a statement that
 *   returns rows (a SELECT, a PRAGMA, or any statement with RETURNING) has result
 *   columns, so `reader` is `columns().length > 0`.
 * - kysely passes parameters as one array; `node:sqlite` takes them spread.
 * - `node:sqlite` binds only null, number, bigint, string and bytes, so booleans
 *   become 0/1 (SQLite has no boolean type) and anything else is refused loudly
 *   instead of being coerced.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #database: DatabaseSync
  /**
   * Prepared statements that return no rows, by SQL text, most recently used last.
   * kysely prepares every query it runs; a bulk insert of many same-shaped multi-row
   * statements (an epoch's scores) spent more time preparing than inserting. Only
   * statements without result columns are kept: `run` finishes before it returns, so a
   * cached one is never in use twice, while a reader may still be iterated.
   */
  readonly #writers = new Map<string, NodeSqliteStatement>()

  constructor(database: DatabaseSync) {
    this.#database = database
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#writers.get(sql)
    if (cached !== undefined) {
      this.#writers.delete(sql)
      this.#writers.set(sql, cached)
      return cached
    }
    const statement = new NodeSqliteStatement(this.#database.prepare(sql))
    if (!statement.reader) {
      this.#writers.set(sql, statement)
      if (this.#writers.size > CACHED_WRITERS) for (const oldest of this.#writers.keys()) {
        this.#writers.delete(oldest)
        break
      }
    }
    return statement
  }

  close(): void {
    this.#writers.clear()
    if (this.#database.isOpen) this.#database.close()
  }
}

/** How many prepared writing statements are kept. */
const CACHED_WRITERS = 64

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean
  readonly #statement: StatementSync

  constructor(statement: StatementSync) {
    this.#statement = statement
    this.reader = statement.columns().length > 0
  }

  all(parameters: readonly unknown[]): unknown[] {
    return this.#statement.all(...toSqliteParameters(parameters))
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#statement.run(...toSqliteParameters(parameters))
  }

  iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.#statement.iterate(...toSqliteParameters(parameters))
  }
}

function toSqliteParameters(parameters: readonly unknown[]): SQLInputValue[] {
  return parameters.map(toSqliteParameter)
}

function toSqliteParameter(value: unknown): SQLInputValue {
  if (value === null || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') {
    return value
  }
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Uint8Array) return value
  throw new TypeError(`cannot bind a ${typeof value} to an SQLite parameter`)
}
