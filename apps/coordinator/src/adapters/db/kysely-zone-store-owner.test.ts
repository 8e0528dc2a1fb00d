import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'

/**
 * `zones`, `zone_settings` and `zone_domains` have one writer (ADR 0008):
 * `kysely-zone-store.ts`. Kysely code writes a table through `insertInto('t')`,
 * `updateTable('t')`, `deleteFrom('t')` or `replaceInto('t')` (or raw SQL `INSERT INTO t`,
 * `UPDATE t`, `DELETE FROM t`), and the price column through an object key `price_per_gib:`
 * (reads go through `row.price_per_gib` or a select list). Any other production file of the
 * coordinator with one of those is a second writer. Migrations create the tables and are left out.
 */
const OWNER = 'kysely-zone-store.ts'
const TABLES = ['zones', 'zone_settings', 'zone_domains'] as const
const SCHEMA_FILES = new Set(['database-schema.ts'])

function writesOf(table: string): RegExp {
  const kysely = String.raw`\.(?:insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"\x60]${table}['"\x60]`
  const rawSql = String.raw`\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|truncate(?:\s+table)?)\s+["\x60]?${table}["\x60]?[\s(;]`
  return new RegExp(`${kysely}|${rawSql}`, 'iu')
}

const WRITES = [...TABLES.map((table) => ({ label: table, pattern: writesOf(table) })), { label: 'zones.price_per_gib', pattern: /price_per_gib\s*:/u }]

async function productionFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.contract.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(join('db', 'migrations')))
}

/** Each write pattern → the coordinator sources that match it. */
async function findWriters(): Promise<Map<string, string[]>> {
  const sourceRoot = join(import.meta.dirname, '..', '..')
  const writers = new Map(WRITES.map(({ label }) => [label, [] as string[]]))
  for (const path of await productionFiles(sourceRoot)) {
    const name = path.slice(path.lastIndexOf('/') + 1)
    if (SCHEMA_FILES.has(name)) continue
    const text = await readFile(path, 'utf8')
    for (const { label, pattern } of WRITES) if (pattern.test(text)) writers.get(label)?.push(name)
  }
  return writers
}

describe('zone tables owner', () => {
  it('kysely-zone-store.ts is the only coordinator source that writes zones, zone_settings, zone_domains and the price', async () => {
    const writers = await findWriters()
    assert.deepEqual(Object.fromEntries(writers), Object.fromEntries(WRITES.map(({ label }) => [label, [OWNER]])))
  })

  it('recognises each way of writing a table (so the check above can fail)', () => {
    const [zones, settings, domains] = TABLES.map(writesOf)
    assert.ok(zones?.test(".updateTable('zones')"))
    assert.ok(zones?.test('.deleteFrom("zones")'))
    assert.ok(zones?.test('sql`UPDATE zones SET origin = ${o}`'))
    assert.ok(settings?.test(".insertInto('zone_settings')"))
    assert.ok(settings?.test('sql`insert or replace into zone_settings (zone_id) values (1)`'))
    assert.ok(domains?.test('sql`DELETE FROM zone_domains WHERE zone_id = 1`'))
    // Reads are not writes, and one table's name does not match another's.
    assert.ok(!zones?.test(".selectFrom('zones')"))
    assert.ok(!zones?.test(".insertInto('zone_settings')"))
    assert.ok(!zones?.test("references('zones.id')"))
  })
})
