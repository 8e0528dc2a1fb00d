import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { unixfsOf } from '../../gateway/car-blocks.ts'
import { importFiles } from '../../gateway/import-files.ts'
import { MemoryBlockSource } from '../../gateway/memory-block-source.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import type { GatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import { readAndVerifyCar } from '../../testing/gateway/read-car.ts'

const FILES = 300
let blocks: MemoryBlockSource
let root: CID
let harness: GatewayHarness

before(async () => {
  blocks = new MemoryBlockSource()
  const files = Array.from({ length: FILES }, (_, index) => ({ path: `file-${index}.txt`, content: new TextEncoder().encode(`file number ${index}\n`) }))
  root = await importFiles(blocks, files, { shardSplitThresholdBytes: 1000 })
  harness = await startGatewayHarness([blocks])
})
after(async () => {
  await harness.close()
})

describe('HAMT-sharded directories', () => {
  it('is a sharded directory (the fixture is what the test claims)', async () => {
    assert.equal(unixfsOf(await blocks.getBlock(root))?.type, 'hamt-sharded-directory')
  })

  it('resolves a path through the shards, deserialized and as a CAR', async () => {
    const file = await fetch(`${harness.url}/ipfs/${root.toString()}/file-123.txt`)
    assert.equal(file.status, 200)
    assert.equal(await file.text(), 'file number 123\n')
    const car = await readAndVerifyCar(new Uint8Array(await (await fetch(`${harness.url}/ipfs/${root.toString()}/file-7.txt?format=car`)).arrayBuffer()))
    assert.equal(car.mismatched, 0)
    assert.equal(car.blocks[0]?.cid.toString(), root.toString())
    assert.ok(car.blocks.length >= 2)
  })

  it('carries exactly the shards on the path, root first, then the file, for dag-scope=block (conformance TestTrustlessCarDagScopeBlock)', async () => {
    for (const name of ['file-7.txt', 'file-123.txt', 'file-299.txt']) {
      const answer = await fetch(`${harness.url}/ipfs/${root.toString()}/${name}?format=car&dag-scope=block`)
      const car = await readAndVerifyCar(new Uint8Array(await answer.arrayBuffer()))
      const ids = car.blocks.map((block) => block.cid)
      assert.equal(ids[0]?.toString(), root.toString(), name)
      // Each block links the next: a single chain from the root to the file, no sibling shard.
      for (let index = 0; index + 1 < ids.length; index += 1) {
        const current = ids[index]
        const next = ids[index + 1]
        if (current === undefined || next === undefined) throw new Error('unreachable')
        assert.equal(unixfsOf(await blocks.getBlock(current))?.type, 'hamt-sharded-directory', `${name} #${index}`)
        assert.ok(dagPb.decode(await blocks.getBlock(current)).Links.some((link) => link.Hash.equals(next)), `${name}: block ${index} links the next`)
      }
      const last = ids.at(-1)
      // The file: a raw leaf (small files are one raw block) or a UnixFS file node.
      assert.ok(last !== undefined && (last.code === raw.code || unixfsOf(await blocks.getBlock(last))?.type === 'file'), name)
      assert.equal(answer.headers.get('x-ipfs-roots'), `${root.toString()},${last.toString()}`)
    }
  })

  it('holds the shard blocks, and no file blocks, for dag-scope=entity on the directory', async () => {
    const car = await readAndVerifyCar(new Uint8Array(await (await fetch(`${harness.url}/ipfs/${root.toString()}?format=car&dag-scope=entity`)).arrayBuffer()))
    for (const block of car.blocks) {
      assert.equal(block.cid.code, dagPb.code)
      assert.equal(unixfsOf(block.bytes)?.type, 'hamt-sharded-directory', block.cid.toString())
    }
    const shards = new Set<string>()
    const visit = async (cid: CID): Promise<void> => {
      if (cid.code !== dagPb.code) return
      const bytes = await blocks.getBlock(cid)
      if (unixfsOf(bytes)?.type !== 'hamt-sharded-directory') return
      shards.add(cid.toString())
      for (const link of dagPb.decode(bytes).Links) await visit(link.Hash)
    }
    await visit(root)
    assert.ok(shards.size > 1)
    assert.deepEqual(new Set(car.blocks.map((block) => block.cid.toString())), shards)
  })
})
