import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { createManualClock, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ManualClock, ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

describe('Surrogate-Control end to end (W3C Edge Architecture 1.0 §2.2)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let counter = 0
  const path = (name: string) => `/${name}-${counter++}`
  const route = (p: string, headers: Record<string, string>) => origin.route(p, (_req, res) => res.writeHead(200, headers).end('body'))

  before(async () => {
    origin = await startScriptedOrigin()
    clock = createManualClock()
    node = await startTestNode(origin.url, { clock })
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })
  beforeEach(() => clock.advance(1000))

  const cases: readonly (readonly [string, Record<string, string>, number, number])[] = [
    // name, origin headers, seconds later, origin requests after two GETs
    ['max-age keeps a response fresh that Cache-Control says is stale', { 'cache-control': 'max-age=1', 'surrogate-control': 'max-age=100' }, 50, 1],
    ['max-age ends freshness before Cache-Control would', { 'cache-control': 'max-age=1000', 'surrogate-control': 'max-age=10' }, 50, 2],
    ['no-store keeps a fresh response out of the cache', { 'cache-control': 'max-age=1000', 'surrogate-control': 'no-store' }, 0, 2],
    ['max-age targeted at us (;meson) applies', { 'cache-control': 'max-age=1', 'surrogate-control': 'max-age=100;meson' }, 50, 1],
    ['a targeted directive overrides an untargeted one', { 'cache-control': 'max-age=1000', 'surrogate-control': 'no-store, max-age=100;meson' }, 0, 1],
    ['a directive targeted at another surrogate is ignored', { 'cache-control': 'max-age=1000', 'surrogate-control': 'no-store;other' }, 0, 1],
  ]
  for (const [name, headers, secondsLater, originRequests] of cases) {
    it(name, async () => {
      const p = path('sc')
      route(p, headers)
      await send(node.node.url, p)
      clock.advance(secondsLater * 1000)
      await send(node.node.url, p)
      assert.equal(origin.count(p), originRequests)
    })
  }

  it('never forwards Surrogate-Control to clients, on a miss or a hit', async () => {
    const p = path('sc-strip')
    route(p, { 'cache-control': 'max-age=60', 'surrogate-control': 'max-age=100' })
    const miss = await send(node.node.url, p)
    const hit = await send(node.node.url, p)
    assert.equal(miss.headers['surrogate-control'], undefined)
    assert.equal(hit.headers['surrogate-control'], undefined)
    assert.equal(hit.headers['cache-control'], 'max-age=60')
    assert.match(String(hit.headers['cache-status']), /; hit; ttl=100/)
  })
})

describe('Surrogate-Control with a configured target (--surrogate-target edge-7)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let counter = 0
  const route = (p: string, headers: Record<string, string>) => origin.route(p, (_req, res) => res.writeHead(200, headers).end('body'))

  before(async () => {
    origin = await startScriptedOrigin()
    clock = createManualClock()
    node = await startTestNode(origin.url, { clock, flags: { surrogateTarget: 'Edge-7' } })
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  const cases: readonly (readonly [string, string, number])[] = [
    // name, Surrogate-Control, origin requests after two GETs 50 s apart (Cache-Control max-age=1)
    ['obeys directives targeted at its own token', 'max-age=100;edge-7', 1],
    ['ignores directives targeted at the default token it no longer has', 'max-age=100;meson', 2],
    ['its targeted no-store overrides an untargeted max-age', 'max-age=100, no-store;edge-7', 2],
  ]
  for (const [name, field, originRequests] of cases) {
    it(name, async () => {
      const p = `/target-${counter++}`
      route(p, { 'cache-control': 'max-age=1', 'surrogate-control': field })
      await send(node.node.url, p)
      clock.advance(50_000)
      await send(node.node.url, p)
      assert.equal(origin.count(p), originRequests)
    })
  }
})
