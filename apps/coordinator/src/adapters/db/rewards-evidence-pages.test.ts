import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ProbeResult } from '../../rewards/probe-result.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { KyselyRewardsStore } from './kysely-rewards-store.ts'
import { openDatabase } from './open-store.ts'

// Probe results with equal times on both sides of page boundaries (pages of 2 rows),
// one before and one after the window: the evidence must hold every probe of the window
// once, in (time, id) order, however the rows are paged.
const PROBES: ProbeResult[] = [
  { id: 'p-before', nodeId: 'n1', kind: 'speed', atMs: 999, outcome: 'pass', measurements: { mbps: 1 }, reason: 'measured' },
  ...['p-c', 'p-a', 'p-b'].map((id): ProbeResult => ({ id, nodeId: 'n1', kind: 'speed', atMs: 1000, outcome: 'pass', measurements: { mbps: 10 }, reason: 'measured' })),
  { id: 'p-d', nodeId: 'n2', kind: 'content', atMs: 1001, outcome: 'fail', measurements: {}, reason: 'wrong bytes' },
  ...['p-f', 'p-e'].map((id): ProbeResult => ({ id, nodeId: 'n2', kind: 'reachability', atMs: 1500, outcome: 'pass', measurements: {}, reason: 'answered' })),
  { id: 'p-g', nodeId: 'n3', kind: 'speed', atMs: 1999, outcome: 'pass', measurements: { mbps: 77.5 }, reason: 'measured' },
  { id: 'p-after', nodeId: 'n3', kind: 'speed', atMs: 2000, outcome: 'pass', measurements: { mbps: 1 }, reason: 'measured' },
]
const EXPECTED = ['p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f', 'p-g']

function runEvidencePagesSuite(label: string, open: () => ReturnType<typeof openDatabase>): void {
  describe(`KyselyRewardsStore.loadEpochEvidence in small pages (${label})`, () => {
    it('returns every probe of the window once, in time then id order, across page boundaries', async () => {
      const { db, dialect } = await open()
      try {
        const store = new KyselyRewardsStore(db, { dialect, rowsPerPage: 2 })
        await store.saveProbeResults(PROBES)
        const evidence = await store.loadEpochEvidence(1000, 2000)
        assert.deepEqual(evidence.probes.map((probe) => probe.id), EXPECTED)
        assert.equal(evidence.probes.find((probe) => probe.id === 'p-g')?.mbps, 77.5)
        assert.equal(evidence.probes.find((probe) => probe.id === 'p-d')?.reason, 'wrong bytes')
      } finally {
        await db.destroy()
      }
    })
  })
}

runEvidencePagesSuite('SQLite', () => openDatabase({ url: 'sqlite::memory:' }))
await onPostgres('rewards evidence pages', (url, nextSchema) => {
  runEvidencePagesSuite('PostgreSQL', () => openDatabase({ url, schema: nextSchema() }))
})
