import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { fallbackRouter } from '@helia/fallback-router'
import { withHTTP } from '@helia/http'
import { createVerifiedFetchWithHelia } from '@helia/verified-fetch'
import { createHeliaLight } from 'helia'
import { equals } from 'multiformats/bytes'
import { buildGatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import type { GatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import type { GatewayHarness } from '../../testing/gateway/gateway-harness.ts'

/**
 * Interop with a real IPFS client: @helia/verified-fetch on a Helia node whose only block
 * source is this node as a trustless gateway (no libp2p, no delegated routers: nothing
 * leaves loopback). verified-fetch checks every block it receives against its CID itself.
 */
let fixtures: GatewayFixtures
let harness: GatewayHarness
let helia: ReturnType<typeof createHeliaLight>
let verifiedFetch: Awaited<ReturnType<typeof createVerifiedFetchWithHelia>>

before(async () => {
  fixtures = await buildGatewayFixtures()
  harness = await startGatewayHarness([fixtures.blocks])
  helia = withHTTP(createHeliaLight({}), { delegatedRouters: [], recursiveGateways: [], allowInsecure: true, allowLocal: true })
  // The node is offered as a regular (not "fallback") router's provider: Helia 7 waits
  // forever for regular routers when there are none, before it asks fallback ones.
  const node = fallbackRouter({ gateways: [harness.url], shuffle: false })
  const findProviders = node.findProviders?.bind(node)
  if (findProviders === undefined) throw new Error('@helia/fallback-router no longer finds providers')
  helia.addRouter({ name: 'meson-node', findProviders })
  await helia.start()
  verifiedFetch = await createVerifiedFetchWithHelia(helia)
})
after(async () => {
  await verifiedFetch.stop()
  await helia.stop()
  await harness.close()
})

describe('@helia/verified-fetch with this node as its trustless gateway', () => {
  it('retrieves and verifies a multi-block UnixFS file', async () => {
    const response = await verifiedFetch(`ipfs://${fixtures.bigFile.cid.toString()}`, { signal: AbortSignal.timeout(60_000) })
    assert.equal(response.status, 200)
    assert.ok(equals(new Uint8Array(await response.arrayBuffer()), fixtures.bigFile.bytes))
  })

  it('resolves a path inside a directory', async () => {
    const response = await verifiedFetch(`ipfs://${fixtures.dir.cid.toString()}/hello.txt`, { signal: AbortSignal.timeout(60_000) })
    assert.equal(response.status, 200)
    assert.equal(await response.text(), new TextDecoder().decode(fixtures.dir.hello))
  })

  it('retrieves a raw block and a dag-cbor node', async () => {
    const raw = await verifiedFetch(`ipfs://${fixtures.rawLeaf.cid.toString()}`, { signal: AbortSignal.timeout(60_000) })
    assert.ok(equals(new Uint8Array(await raw.arrayBuffer()), fixtures.rawLeaf.bytes))
    const cbor = await verifiedFetch(`ipfs://${fixtures.cbor.cid.toString()}`, { headers: { accept: 'application/vnd.ipld.raw' }, signal: AbortSignal.timeout(60_000) })
    assert.equal(cbor.status, 200)
    assert.ok(equals(new Uint8Array(await cbor.arrayBuffer()), fixtures.cbor.bytes))
  })
})
