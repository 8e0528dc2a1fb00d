import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { equals } from 'multiformats/bytes'
import type { CID } from 'multiformats/cid'
import { importFileBytes } from '../../gateway/import-files.ts'
import { MemoryBlockSource } from '../../gateway/memory-block-source.ts'
import { fixtureBytes } from '../../testing/gateway/gateway-fixtures.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import type { GatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import { readAndVerifyCar } from '../../testing/gateway/read-car.ts'

// The conformance fixture "file-3k-and-3-blocks-missing-block": a 3 KiB file of three 1 KiB
// blocks whose middle block no upstream has. Answers that do not need that block must
// succeed (path gateway "Range", trustless "entity-bytes"); the node never invents it.

const FILE = fixtureBytes(3072, 9)
let root: CID
let middle: CID
let harness: GatewayHarness

before(async () => {
  const full = new MemoryBlockSource()
  root = await importFileBytes(full, FILE, { chunkSizeBytes: 1024 })
  const links = dagPb.decode(await full.getBlock(root)).Links.map((link) => link.Hash)
  assert.equal(links.length, 3)
  const [first, second, third] = links
  if (first === undefined || second === undefined || third === undefined) throw new Error('unreachable')
  middle = second
  const upstream = new MemoryBlockSource()
  for (const cid of [root, first, third]) await upstream.put(cid, await full.getBlock(cid))
  harness = await startGatewayHarness([upstream])
})
after(async () => {
  await harness.close()
})

describe('a file with a block no upstream has (conformance file-3k-and-3-blocks-missing-block)', () => {
  it('answers Range requests before and after the missing block', async () => {
    for (const [start, end] of [[997, 1000], [2200, 2201]] as const) {
      const answer = await fetch(`${harness.url}/ipfs/${root.toString()}`, { headers: { range: `bytes=${start}-${end}` } })
      assert.equal(answer.status, 206)
      assert.equal(answer.headers.get('content-range'), `bytes ${start}-${end}/3072`)
      assert.ok(equals(new Uint8Array(await answer.arrayBuffer()), FILE.subarray(start, end + 1)))
    }
  })

  it('answers entity-bytes CARs that do not need the missing block, without it', async () => {
    for (const range of ['0:1000', '2200:*']) {
      const answer = await fetch(`${harness.url}/ipfs/${root.toString()}?format=car&dag-scope=entity&entity-bytes=${range}`)
      assert.equal(answer.status, 200, range)
      const car = await readAndVerifyCar(new Uint8Array(await answer.arrayBuffer()))
      assert.equal(car.mismatched, 0)
      assert.equal(car.blocks.length, 2, range)
      assert.ok(!car.blocks.some((block) => block.cid.equals(middle)), range)
    }
  })
})
