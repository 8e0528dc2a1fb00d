import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { equals } from 'multiformats/bytes'
import { sha256 } from 'multiformats/hashes/sha2'
import { exporter } from 'ipfs-unixfs-exporter'
import { buildGatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import type { GatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import type { GatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import { readAndVerifyCar } from '../../testing/gateway/read-car.ts'

let fixtures: GatewayFixtures
let harness: GatewayHarness

before(async () => {
  fixtures = await buildGatewayFixtures()
  harness = await startGatewayHarness([fixtures.blocks])
})
after(async () => {
  await harness.close()
})

async function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const response = await fetch(`${harness.url}${path}`, { headers, method })
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) }
}

/** Every block of a DAG, found by walking it in memory (independently of the gateway). */
async function dagBlocks(root: CID): Promise<Set<string>> {
  const seen = new Set<string>()
  const visit = async (cid: CID): Promise<void> => {
    if (seen.has(cid.toString())) return
    seen.add(cid.toString())
    if (cid.code !== dagPb.code) return
    for (const link of dagPb.decode(await fixtures.blocks.getBlock(cid)).Links) await visit(link.Hash)
  }
  await visit(root)
  return seen
}

describe('raw block answers (application/vnd.ipld.raw)', () => {
  it('answers ?format=raw with exactly the block, which hashes to its CID, and the spec headers', async () => {
    const { cid, bytes } = fixtures.rawLeaf
    const answer = await get(`/ipfs/${cid.toString()}?format=raw`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, bytes))
    assert.ok(equals((await sha256.digest(answer.body)).digest, cid.multihash.digest))
    assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.raw')
    assert.equal(answer.headers.get('content-length'), String(bytes.length))
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal(answer.headers.get('etag'), `"${cid.toString()}.raw"`)
    assert.equal(answer.headers.get('x-ipfs-path'), `/ipfs/${cid.toString()}`)
    assert.equal(answer.headers.get('x-ipfs-roots'), cid.toString())
    assert.equal(answer.headers.get('content-disposition'), `attachment; filename="${cid.toString()}.bin"`)
  })

  it('answers Accept: application/vnd.ipld.raw the same way, and HEAD with headers only', async () => {
    const { cid, bytes } = fixtures.cbor
    const answer = await get(`/ipfs/${cid.toString()}`, { accept: 'application/vnd.ipld.raw' })
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, bytes))
    const head = await get(`/ipfs/${cid.toString()}`, { accept: 'application/vnd.ipld.raw' }, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body.length, 0)
    assert.equal(head.headers.get('content-length'), String(bytes.length))
  })

  it('serves dag-pb, dag-json and blake3-addressed blocks, and a CIDv0 like its CIDv1', async () => {
    for (const { cid, bytes } of [fixtures.json, fixtures.blake3Block]) {
      const answer = await get(`/ipfs/${cid.toString()}?format=raw`)
      assert.equal(answer.status, 200, cid.toString())
      assert.ok(equals(answer.body, bytes))
    }
    const v0 = fixtures.dir.cid.toV0()
    const answer = await get(`/ipfs/${v0.toString()}?format=raw`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, await fixtures.blocks.getBlock(fixtures.dir.cid)))
  })

  it('answers the identity CID probe bafkqaaa with an empty block', async () => {
    const answer = await get('/ipfs/bafkqaaa?format=raw')
    assert.equal(answer.status, 200)
    assert.equal(answer.body.length, 0)
  })

  it('answers 400 for a bad CID, 406 for an Accept it cannot produce, 404 for a path that does not exist', async () => {
    assert.equal((await get('/ipfs/not-a-cid?format=raw')).status, 400)
    assert.equal((await get(`/ipfs/${fixtures.rawLeaf.cid.toString()}`, { accept: 'application/vnd.ipld.car; version=2' })).status, 406)
    assert.equal((await get(`/ipfs/${fixtures.rawLeaf.cid.toString()}?format=tar`)).status, 400)
    const missing = await get(`/ipfs/${fixtures.dir.cid.toString()}/nope.txt?format=raw`)
    assert.equal(missing.status, 404)
    assert.match(new TextDecoder().decode(missing.body), /"code":"PATH_NOT_FOUND"/)
  })
})

describe('CAR answers (application/vnd.ipld.car)', () => {
  it('streams dag-scope=all of a directory as a CARv1 whose every block verifies, with the spec headers', async () => {
    const root = fixtures.dir.cid
    const answer = await get(`/ipfs/${root.toString()}?format=car`)
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=n')
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.match(answer.headers.get('etag') ?? '', new RegExp(`^"${root.toString()}\\.car\\.[0-9a-f]{8}"$`))
    assert.equal(answer.headers.get('content-disposition'), `attachment; filename="${root.toString()}.car"`)
    const car = await readAndVerifyCar(answer.body)
    assert.equal(car.mismatched, 0)
    assert.deepEqual(car.roots.map(String), [root.toString()])
    assert.deepEqual(new Set(car.blocks.map((block) => block.cid.toString())), await dagBlocks(root))
    assert.equal(car.blocks[0]?.cid.toString(), root.toString())
  })

  it('holds exactly one block for dag-scope=block', async () => {
    const car = await readAndVerifyCar((await get(`/ipfs/${fixtures.bigFile.cid.toString()}`, { accept: 'application/vnd.ipld.car' }).then((answer) => answer)).body)
    assert.ok(car.blocks.length > 1)
    const block = await readAndVerifyCar((await get(`/ipfs/${fixtures.bigFile.cid.toString()}?format=car&dag-scope=block`)).body)
    assert.deepEqual(block.blocks.map((entry) => entry.cid.toString()), [fixtures.bigFile.cid.toString()])
  })

  it('holds exactly the blocks of the file for dag-scope=entity on a large file, after the path blocks', async () => {
    const answer = await get(`/ipfs/${fixtures.dir.cid.toString()}/big.bin?format=car&dag-scope=entity`)
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('x-ipfs-roots'), `${fixtures.dir.cid.toString()},${fixtures.bigFile.cid.toString()}`)
    const car = await readAndVerifyCar(answer.body)
    assert.equal(car.mismatched, 0)
    assert.equal(car.blocks[0]?.cid.toString(), fixtures.dir.cid.toString())
    const expected = await dagBlocks(fixtures.bigFile.cid)
    expected.add(fixtures.dir.cid.toString())
    assert.deepEqual(new Set(car.blocks.map((block) => block.cid.toString())), expected)
    assert.equal(car.blocks.length, expected.size)
  })

  it('holds only the blocks entity-bytes needs, and they suffice to read that range', async () => {
    const cid = fixtures.bigFile.cid
    const [from, to] = [500_000, 540_000]
    const car = await readAndVerifyCar((await get(`/ipfs/${cid.toString()}?format=car&dag-scope=entity&entity-bytes=${from}:${to}`)).body)
    const all = await dagBlocks(cid)
    assert.ok(car.blocks.length < all.size / 4, `${car.blocks.length} of ${all.size}`)
    const held = new Map(car.blocks.map((block) => [block.cid.toString(), block.bytes]))
    const blockstore = {
      async *get(wanted: CID): AsyncGenerator<Uint8Array> {
        const bytes = await Promise.resolve(held.get(wanted.toString()))
        if (bytes === undefined) throw new Error(`block ${wanted.toString()} not in the CAR`)
        yield bytes
      },
    }
    const entry = await exporter(cid, blockstore)
    if (entry.type !== 'file') throw new Error(`expected a file, got ${entry.type}`)
    const chunks: Uint8Array[] = []
    for await (const chunk of entry.content({ offset: from, length: to - from + 1 })) chunks.push(chunk)
    assert.ok(equals(Buffer.concat(chunks), fixtures.bigFile.bytes.subarray(from, to + 1)))
  })

  it('walks dag-cbor links for dag-scope=all and answers HEAD without a body', async () => {
    const car = await readAndVerifyCar((await get(`/ipfs/${fixtures.cbor.cid.toString()}?format=car`)).body)
    const ids = car.blocks.map((block) => block.cid.toString())
    assert.equal(ids[0], fixtures.cbor.cid.toString())
    assert.ok(ids.includes(fixtures.rawLeaf.cid.toString()))
    assert.ok(ids.includes(fixtures.bigFile.cid.toString()))
    const head = await get(`/ipfs/${fixtures.cbor.cid.toString()}?format=car`, {}, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body.length, 0)
  })
})
