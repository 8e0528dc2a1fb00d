import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { before, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { equals } from 'multiformats/bytes'
import { MemoryBlockSource } from '../../gateway/memory-block-source.ts'
import { buildGatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import type { GatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import { tamperedCopy, TamperingBlockSource } from '../../testing/gateway/tampering-block-source.ts'

let fixtures: GatewayFixtures
before(async () => {
  fixtures = await buildGatewayFixtures()
})

/** Reads a body until it ends or the connection is cut; never throws. */
async function readAll(url: string): Promise<{ status: number; headers: Headers; body: Buffer; cut: boolean }> {
  const response = await fetch(url)
  const chunks: Uint8Array[] = []
  let cut = false
  try {
    for await (const chunk of response.body ?? []) chunks.push(chunk)
  } catch {
    cut = true
  }
  return { status: response.status, headers: response.headers, body: Buffer.concat(chunks), cut }
}

describe('every upstream block is verified against its CID', () => {
  it('never serves a tampered block: 502, the upstream is counted as bad in the metrics', async () => {
    const liar = new TamperingBlockSource(fixtures.blocks)
    liar.tampered.add(fixtures.rawLeaf.cid.toString())
    const harness = await startGatewayHarness([liar])
    try {
      const answer = await readAll(`${harness.url}/ipfs/${fixtures.rawLeaf.cid.toString()}?format=raw`)
      assert.equal(answer.status, 502)
      assert.equal(answer.headers.get('retry-after'), '30')
      assert.equal(answer.body.indexOf(Buffer.from(tamperedCopy(fixtures.rawLeaf.bytes))), -1)
      assert.match(answer.body.toString(), /BLOCK_UNVERIFIED/)
      const metrics = await harness.metricsText()
      assert.match(metrics, /meson_node_gateway_bad_blocks_total\{upstream="http:\/\/127\.0\.0\.1:\d+"\} 1/)
      assert.equal(harness.gateway.fetcherFor(harness.upstreams.map((upstream) => upstream.url)).isUpstreamBad(harness.upstreams[0]?.url ?? ''), true)
    } finally {
      await harness.close()
    }
  })

  it('cuts a CAR whose later block is tampered, and the bad bytes are not in what was sent', async () => {
    const liar = new TamperingBlockSource(fixtures.blocks)
    const root = await fixtures.blocks.getBlock(fixtures.bigFile.cid)
    const firstChild = dagPb.decode(root).Links[1]?.Hash
    assert.ok(firstChild !== undefined)
    liar.tampered.add(firstChild.toString())
    const harness = await startGatewayHarness([liar])
    try {
      const answer = await readAll(`${harness.url}/ipfs/${fixtures.bigFile.cid.toString()}?format=car`)
      assert.equal(answer.status, 200)
      assert.equal(answer.cut, true)
      const bad = Buffer.from(tamperedCopy(await fixtures.blocks.getBlock(firstChild)))
      assert.equal(answer.body.indexOf(bad), -1)
    } finally {
      await harness.close()
    }
  })

  it('drops a lying upstream and serves the verified block from the next one, then from its cache', async () => {
    const liar = new TamperingBlockSource(fixtures.blocks)
    liar.tampered.add(fixtures.json.cid.toString())
    const harness = await startGatewayHarness([liar, fixtures.blocks])
    try {
      const first = await readAll(`${harness.url}/ipfs/${fixtures.json.cid.toString()}?format=raw`)
      assert.equal(first.status, 200)
      assert.ok(equals(first.body, fixtures.json.bytes))
      await harness.upstreams[1]?.close()
      const second = await readAll(`${harness.url}/ipfs/${fixtures.json.cid.toString()}?format=raw`)
      assert.equal(second.status, 200)
      assert.ok(equals(second.body, fixtures.json.bytes))
      assert.match(await harness.metricsText(), /meson_node_gateway_block_cache_hits_total [1-9]/)
    } finally {
      await harness.close()
    }
  })

  it('answers 504 when no upstream answers in time, and 404 when none has the block', async () => {
    const held: Server = createServer(() => undefined)
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', () => resolve()))
    const address = held.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    const silent = await startGatewayHarness([], { extraUpstreams: [`http://127.0.0.1:${address.port}`], settings: { upstreamTimeoutMs: 200 } })
    const empty = await startGatewayHarness([new MemoryBlockSource()])
    try {
      const late = await readAll(`${silent.url}/ipfs/${fixtures.rawLeaf.cid.toString()}?format=raw`)
      assert.equal(late.status, 504)
      // Worth a retry, and the client is told when (path gateway spec, "Retry-After").
      assert.equal(late.headers.get('retry-after'), '30')
      const missing = await readAll(`${empty.url}/ipfs/${fixtures.rawLeaf.cid.toString()}?format=raw`)
      assert.equal(missing.status, 404)
      assert.equal(missing.headers.get('retry-after'), null)
    } finally {
      await silent.close()
      await empty.close()
      held.closeAllConnections()
      await new Promise<void>((resolve) => held.close(() => resolve()))
    }
  })
})
