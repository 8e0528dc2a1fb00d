import { CompiledQuery } from 'kysely'
import type { Transaction } from 'kysely'
import { CopyRows } from './postgres-copy.ts'
import type { SqlDialect } from './sql-dialect.ts'

/** A value bound as it is: text, a number, or null. */
export type ColumnValue = string | number | null

export interface ColumnRowsInsert {
  /** Table and columns are trusted constants of the adapter (spliced into the SQL text). */
  readonly table: string
  readonly columns: readonly string[]
  /** Each column's PostgreSQL type. COPY reads text by the table's own types and needs none; kept as the callers' statement of the row shape (and for a return to `unnest`). */
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
/** Rows per chunk of COPY text handed to the socket (a few hundred KB). */
const COPY_ROWS_PER_CHUNK = 2_000

/**
 * Inserts many rows given column by column, in as few statements as the database allows,
 * inside the caller's transaction:
 * - PostgreSQL: one `copy <table> (...) from stdin` (text format) streamed on the
 *   transaction's connection (`CopyRows`), ~3× faster for the server than
 *   `insert ... select from unnest($1::t[], ...)`, which parses every array first;
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
    await trx.executeQuery(CompiledQuery.raw(`copy ${insert.table} (${columnList}) from stdin`, [new CopyRows(copyTextChunks(constants.map((constant) => constant.value), values, rowCount))]))
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

/** The rows in COPY's text format (tab-separated, `\\N` for null, backslash escapes), a chunk of rows at a time. */
function* copyTextChunks(constants: readonly ColumnValue[], values: readonly (readonly ColumnValue[])[], rowCount: number): Generator<string> {
  const prefix = constants.map((value) => `${copyField(value)}\t`).join('')
  let chunk = ''
  for (let row = 0; row < rowCount; row += 1) {
    let line = prefix
    for (let column = 0; column < values.length; column += 1) {
      if (column > 0) line += '\t'
      line += copyField(values[column]?.[row] ?? null)
    }
    chunk += `${line}\n`
    if ((row + 1) % COPY_ROWS_PER_CHUNK === 0) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk !== '') yield chunk
}

const COPY_SPECIAL = /[\\\t\n\r]/
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** One field of COPY text: numbers as JavaScript prints them (PostgreSQL reads `NaN` and `Infinity` too), text escaped. */
function copyField(value: ColumnValue): string {
  if (value === null) return '\\N'
  if (typeof value === 'number') return String(value)
  return COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] ?? character) : value
}
