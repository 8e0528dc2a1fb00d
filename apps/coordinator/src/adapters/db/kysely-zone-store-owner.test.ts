import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'

/**
 * `zones` has one writer (ADR 0008): `kysely-zone-store.ts`. An object key `price_per_gib:`
 * is how kysely code writes the column (reads go through `row.price_per_gib` or a select
 * list), so any other production file with one is a second writer.
 */
const OWNER = 'kysely-zone-store.ts'
const SCHEMA_FILES = new Set(['database-schema.ts'])

async function productionFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.contract.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(join('db', 'migrations')))
}

describe('zones.price_per_gib owner', () => {
  it('is written only by kysely-zone-store.ts among the coordinator sources', async () => {
    const sourceRoot = join(import.meta.dirname, '..', '..')
    const writers: string[] = []
    for (const path of await productionFiles(sourceRoot)) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      if (SCHEMA_FILES.has(name)) continue
      if (/price_per_gib\s*:/u.test(await readFile(path, 'utf8'))) writers.push(name)
    }
    assert.deepEqual(writers, [OWNER])
  })
})
