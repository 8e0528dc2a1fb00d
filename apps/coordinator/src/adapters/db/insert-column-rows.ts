import { CompiledQuery } from 'kysely'
import type { Transaction } from 'kysely'
import type { SqlDialect } from './sql-dialect.ts'

/** A value bound as it is: text, a number, or null. */
export type ColumnValue = string | number | null

export interface ColumnRowsInsert {
  /** Table and columns are trusted constants of the adapter (spliced into the SQL text). */
  readonly table: string
  readonly columns: readonly string[]
  /** Each column's PostgreSQL type, for `unnest($n::type[])` (SQLite ignores them). */
  readonly postgresTypes: readonly string[]
  /** Values bound before the columns' values, to every row (`epoch_id`, `created_at`, ...). */
  readonly constantColumns?: readonly { readonly column: string; readonly value: ColumnValue; readonly postgresType: string }[]
  /** One array per column, all of `rowCount` values. */
  readonly values: readonly (readonly ColumnValue[])[]
  readonly rowCount: number
}

/** SQLite binds at most 32 766 parameters per statement; a statement of 500 rows prepares fast. */
const SQLITE_MAX_ROWS = 500
const SQLITE_MAX_PARAMETERS = 30_000
/** Rows per PostgreSQL statement: the arrays travel as text, a few MB each at most. */
const POSTGRES_MAX_ROWS = 20_000

/**
 * Inserts many rows given column by column, in as few statements as the database allows,
 * inside the caller's transaction:
 * - PostgreSQL: `insert ... select * from unnest($1::t1[], $2::t2[], ...)` per 20 000 rows,
 *   one array parameter per column (one statement text, whatever the number of rows);
 * - SQLite: multi-row `values (?, ...), (?, ...)` of up to 500 rows, prepared once per
 *   shape and bound from the column arrays (faster than expanding a JSON array with
 *   `json_each`, which parses each row's text again for every column).
 * Statements are precompiled (`CompiledQuery.raw`): kysely's query builder spends more
 * time compiling a ten-thousand-parameter statement than SQLite spends running it.
 */
export async function insertColumnRows<Database>(trx: Transaction<Database>, dialect: SqlDialect, insert: ColumnRowsInsert): Promise<void> {
  const { rowCount, values } = insert
  if (rowCount === 0) return
  if (values.length !== insert.columns.length || values.some((column) => column.length !== rowCount)) throw new RangeError('every column needs rowCount values')
  const constants = insert.constantColumns ?? []
  const columnList = [...constants.map((constant) => constant.column), ...insert.columns].join(', ')
  if (dialect === 'postgres') {
    const constantPlaceholders = constants.map((constant, index) => `$${index + 1}::${constant.postgresType}`)
    const arrays = insert.postgresTypes.map((type, index) => `$${constants.length + index + 1}::${type}[]`)
    const selected = [...constantPlaceholders, ...insert.columns.map((column) => `u.${column}`)].join(', ')
    const text = `insert into ${insert.table} (${columnList}) select ${selected} from unnest(${arrays.join(', ')}) as u(${insert.columns.join(', ')})`
    for (let start = 0; start < rowCount; start += POSTGRES_MAX_ROWS) {
      const slices = start === 0 && rowCount <= POSTGRES_MAX_ROWS ? values : values.map((column) => column.slice(start, start + POSTGRES_MAX_ROWS))
      await trx.executeQuery(CompiledQuery.raw(text, [...constants.map((constant) => constant.value), ...slices]))
    }
    return
  }
  const width = constants.length + insert.columns.length
  const rowsPerStatement = Math.max(1, Math.min(SQLITE_MAX_ROWS, Math.floor(SQLITE_MAX_PARAMETERS / width)))
  const rowPlaceholder = `(${new Array<string>(width).fill('?').join(', ')})`
  const textFor = (rows: number): string => `insert into ${insert.table} (${columnList}) values ${new Array<string>(rows).fill(rowPlaceholder).join(', ')}`
  const fullText = textFor(rowsPerStatement)
  for (let start = 0; start < rowCount; start += rowsPerStatement) {
    const end = Math.min(rowCount, start + rowsPerStatement)
    const parameters = new Array<ColumnValue>((end - start) * width)
    let at = 0
    for (let row = start; row < end; row += 1) {
      for (const constant of constants) parameters[at++] = constant.value
      for (const column of values) parameters[at++] = column[row] ?? null
    }
    await trx.executeQuery(CompiledQuery.raw(end - start === rowsPerStatement ? fullText : textFor(end - start), parameters))
  }
}
