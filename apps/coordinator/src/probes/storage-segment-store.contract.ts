import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { StorageSegmentStore } from './storage-segment-store.ts'

/** The StorageSegmentStore contract, run against each adapter. */
export function runStorageSegmentStoreContract(name: string, open: () => Promise<{ readonly segments: StorageSegmentStore; readonly close: () => Promise<void> }>): void {
  describe(`StorageSegmentStore contract (${name})`, () => {
    let segments: StorageSegmentStore
    let close: () => Promise<void>
    before(async () => {
      ;({ segments, close } = await open())
    })
    after(() => close())

    const issue = (nodeId: string, maxSegments: number, nowMs = 1000, pendingSinceMs = 0): ReturnType<StorageSegmentStore['issueSegment']> =>
      segments.issueSegment({ nodeId, sizeBytes: 4096, maxSegments, nowMs, pendingSinceMs })

    it('issues fresh indices up to the node\'s limit, never one twice, per node', async () => {
      assert.deepEqual(await issue('n-a', 2), { nodeId: 'n-a', index: 0, sizeBytes: 4096, issuedAtMs: 1000, confirmedAtMs: null })
      assert.equal((await issue('n-a', 2))?.index, 1)
      assert.equal(await issue('n-a', 2), undefined, 'two live segments: full')
      assert.equal((await issue('n-b', 1))?.index, 0, 'another node counts on its own')
      // Released segments leave room, but their index is never issued again.
      assert.equal(await segments.endSegments('n-a', [0], 'released', 2000), 1)
      assert.equal((await issue('n-a', 2))?.index, 2)
    })

    it('issues one index once under concurrent calls', async () => {
      const issued = await Promise.all(Array.from({ length: 6 }, () => issue('n-c', 3)))
      const indices = issued.flatMap((segment) => (segment === undefined ? [] : [segment.index])).sort()
      assert.deepEqual(indices, [...new Set(indices)], 'no index twice')
      assert.ok(indices.length <= 3, `at most the limit: ${String(indices)}`)
    })

    it('stops counting an unconfirmed segment after its pending window', async () => {
      assert.equal((await issue('n-d', 1, 1000))?.index, 0)
      assert.equal(await issue('n-d', 1, 1500, 500), undefined, 'still pending')
      assert.equal((await issue('n-d', 1, 9000, 5000))?.index, 1, 'the unconfirmed one expired')
    })

    it('confirms live segments only, lists confirmed live ones, and ends each once', async () => {
      const first = await issue('n-e', 5)
      const second = await issue('n-e', 5)
      assert.ok(first !== undefined && second !== undefined)
      assert.deepEqual(await segments.listHeldSegments('n-e'), [], 'nothing confirmed yet')
      assert.equal(await segments.confirmSegment('n-e', first.index, 3000), true)
      assert.equal(await segments.confirmSegment('n-e', first.index, 4000), true, 'confirming twice is fine')
      assert.equal(await segments.confirmSegment('n-e', 99, 3000), false, 'never issued')
      assert.deepEqual(await segments.listHeldSegments('n-e'), [{ nodeId: 'n-e', index: first.index, sizeBytes: 4096, issuedAtMs: 1000, confirmedAtMs: 3000 }])
      assert.equal((await segments.findLiveSegment('n-e', second.index))?.confirmedAtMs, null)
      assert.equal(await segments.endSegments('n-e', [first.index, first.index, second.index, 77], 'lost', 5000), 2)
      assert.equal(await segments.endSegments('n-e', [first.index], 'released', 6000), 0, 'already ended')
      assert.equal(await segments.findLiveSegment('n-e', first.index), undefined)
      assert.equal(await segments.confirmSegment('n-e', second.index, 7000), false, 'an ended segment cannot be confirmed')
      assert.deepEqual(await segments.listHeldSegments('n-e'), [])
    })
  })
}
