import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { onPostgres } from '../../testing/on-postgres.ts'
import { insertColumnRows } from './insert-column-rows.ts'
import { openDatabase } from './open-store.ts'

// Text that COPY's text format must escape (tab, newline, carriage return, backslash, a
// lone `\.`, `\N` as text), next to nulls and numbers PostgreSQL must read back exactly.
const TEXTS = ['plain', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\.', '\\N', '', 'ünïcode ✓', '{"kind":"same-ip","reason":"a \\"quoted\\" reason"}']
const NUMBERS = [0, -1.5, 1e-7, 123456789.123, 0.1 + 0.2, 1_800_003_660_000, Number.MAX_SAFE_INTEGER, 5e-324, 2.5, 1e21]

function runColumnRowsSuite(label: string, open: () => ReturnType<typeof openDatabase>): void {
  describe(`insertColumnRows (${label})`, () => {
    it('writes every row with its text, nulls and numbers exactly as given, constants included', async () => {
      const { db, dialect } = await open()
      try {
        const real = dialect === 'postgres' ? sql`double precision` : sql`real`
        await sql`create table column_rows_test (tag text not null, position integer not null, label text, amount ${real})`.execute(db)
        const rowCount = TEXTS.length * 3
        const labels = Array.from({ length: rowCount }, (_, row) => (row % 7 === 6 ? null : (TEXTS[row % TEXTS.length] ?? '')))
        const amounts = Array.from({ length: rowCount }, (_, row) => (row % 5 === 4 ? null : (NUMBERS[row % NUMBERS.length] ?? 0)))
        await db.transaction().execute(async (trx) => {
          await insertColumnRows(trx, dialect, {
            table: 'column_rows_test',
            columns: ['position', 'label', 'amount'],
            postgresTypes: ['integer', 'text', 'float8'],
            constantColumns: [{ column: 'tag', value: 'tab\tin a constant', postgresType: 'text' }],
            values: [Array.from({ length: rowCount }, (_, row) => row), labels, amounts],
            rowCount,
          })
        })
        const rows = await sql<{ tag: string; position: number; label: string | null; amount: number | null }>`select tag, position, label, amount from column_rows_test order by position`.execute(db)
        assert.equal(rows.rows.length, rowCount)
        rows.rows.forEach((row, index) => {
          assert.equal(row.tag, 'tab\tin a constant')
          assert.equal(row.position, index)
          assert.equal(row.label, labels[index])
          assert.equal(row.amount, amounts[index])
        })
      } finally {
        await db.destroy()
      }
    })
  })
}

runColumnRowsSuite('SQLite', () => openDatabase({ url: 'sqlite::memory:' }))
await onPostgres('column rows', (url, nextSchema) => {
  runColumnRowsSuite('PostgreSQL', () => openDatabase({ url, schema: nextSchema() }))
})
