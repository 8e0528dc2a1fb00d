import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useConformanceSetup } from '../../testing/gateway/conformance-setup.ts'
import type { ConformanceSetup } from '../../testing/gateway/conformance-setup.ts'
import { readAndVerifyCar } from '../../testing/gateway/read-car.ts'

// Cases of the public ipfs gateway-conformance suite the neighbouring answer tests do not cover
// (CAR variants (IPIP-412 parameters, identity blocks, entity-bytes)), against a node gateway on
// loopback in front of a loopback upstream.

let setup: ConformanceSetup
useConformanceSetup((started) => {
  setup = started
})

describe('CAR variants (trustless gateway spec "CAR dups", IPIP-412; conformance TestTrustlessCarOrderAndDuplicates)', () => {
  it('honours dups=y from Accept when ?format=car is given too, and car-dups in the query', async () => {
    const all = await readAndVerifyCar((await setup.get(`/ipfs/${setup.duplicates.toString()}?format=car`)).body)
    for (const [path, headers] of [
      [`/ipfs/${setup.duplicates.toString()}?format=car`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' }],
      [`/ipfs/${setup.duplicates.toString()}`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' }],
      [`/ipfs/${setup.duplicates.toString()}?format=car&car-dups=y`, {}],
    ] as const) {
      const answer = await setup.get(path, headers)
      assert.equal(answer.status, 200, path)
      assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=y', path)
      const car = await readAndVerifyCar(answer.body)
      assert.equal(car.mismatched, 0)
      // The shared file's block comes twice; nothing else changes.
      assert.equal(car.blocks.length, all.blocks.length + 1, path)
      assert.deepEqual(new Set(car.blocks.map((block) => block.cid.toString())), new Set(all.blocks.map((block) => block.cid.toString())))
    }
    const once = await setup.get(`/ipfs/${setup.duplicates.toString()}`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=n' })
    assert.equal(once.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=n')
    const onceCar = await readAndVerifyCar(once.body)
    assert.equal(new Set(onceCar.blocks.map((block) => block.cid.toString())).size, onceCar.blocks.length)
  })

  it('names a CAR of a path after the CID the path ends at', async () => {
    const answer = await setup.get(`/ipfs/${setup.fixtures.dir.cid.toString()}/hello.txt`, { accept: 'application/vnd.ipld.car' })
    const target = answer.headers.get('x-ipfs-roots')?.split(',').at(-1) ?? ''
    assert.notEqual(target, setup.fixtures.dir.cid.toString())
    assert.equal(answer.headers.get('content-disposition'), `attachment; filename="${target}.car"`)
    assert.equal(answer.headers.get('content-length'), null)
    assert.equal(answer.headers.get('accept-ranges'), 'none')
  })

  it('reads entity-bytes without dag-scope as dag-scope=entity: only the blocks of the range', async () => {
    const file = `/ipfs/${setup.fixtures.bigFile.cid.toString()}?format=car`
    const all = await readAndVerifyCar((await setup.get(file)).body)
    const range = await readAndVerifyCar((await setup.get(`${file}&entity-bytes=0:99`)).body)
    assert.ok(range.blocks.length < all.blocks.length / 4, `${range.blocks.length} of ${all.blocks.length}`)
    assert.equal(range.blocks[0]?.cid.toString(), setup.fixtures.bigFile.cid.toString())
  })

  it('answers 400 for a car-version it does not write', async () => {
    assert.equal((await setup.get(`/ipfs/${setup.duplicates.toString()}?format=car&car-version=2`)).status, 400)
  })

  it('never puts identity-CID blocks in a CAR, even with dups=y; the bafkqaaa probe is a valid empty CAR rooted at it', async () => {
    for (const cid of ['bafkqaaa', 'bafkqaf3imvwgy3zaneqgc3janfxgy2lomvscay3jmqfa']) {
      const answer = await setup.get(`/ipfs/${cid}`, { accept: 'application/vnd.ipld.car; dups=y' })
      assert.equal(answer.status, 200, cid)
      const car = await readAndVerifyCar(answer.body)
      assert.deepEqual(car.roots.map(String), [cid])
      assert.deepEqual(car.blocks, [], cid)
    }
  })
})
