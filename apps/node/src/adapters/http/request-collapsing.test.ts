import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eventually, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

describe('request collapsing', () => {
  let origin: ScriptedOrigin
  let node: TestNode
  // The origin holds its answers until the test releases them, so all requests overlap.
  let release: () => void = () => undefined
  let released = Promise.resolve()

  before(async () => {
    origin = await startScriptedOrigin()
    node = await startTestNode(origin.url)
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  async function collapsedWaiters(): Promise<number> {
    const metrics = (await send(node.node.url, '/_meson/metrics')).body.toString()
    return Number(/^meson_node_collapsed_waiters_total (\d+)$/m.exec(metrics)?.[1] ?? 'NaN')
  }

  function holdAnswers(): void {
    const gate = Promise.withResolvers<undefined>()
    released = gate.promise.then(() => undefined)
    release = () => gate.resolve(undefined)
  }

  it('makes one origin request for 50 concurrent misses of one URL', async () => {
    holdAnswers()
    const body = Buffer.alloc(64 * 1024, 'c')
    origin.route('/popular', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': String(body.length) })
      void released.then(() => res.end(body))
    })
    const responses = Array.from({ length: 50 }, () => send(node.node.url, '/popular'))
    // Every request is waiting in the node before the origin answers.
    await eventually(async () => (await collapsedWaiters()) === 49)
    release()
    const all = await Promise.all(responses)
    assert.equal(origin.count('/popular'), 1)
    for (const response of all) {
      assert.equal(response.status, 200)
      assert.equal(response.isAborted, false)
      assert.ok(response.body.equals(body))
    }
    const collapsed = all.filter((response) => String(response.headers['cache-status']).includes('collapsed'))
    assert.equal(collapsed.length, 49)
  })

  it('sends followers of an unshareable response to the origin themselves (RFC 9111 §4)', async () => {
    holdAnswers()
    let n = 0
    origin.route('/private', (_req, res) => {
      n += 1
      const mine = n
      res.writeHead(200, { 'cache-control': 'private' })
      void released.then(() => res.end(`for request ${mine}`))
    })
    const responses = Array.from({ length: 5 }, () => send(node.node.url, '/private'))
    while (origin.count('/private') === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    release()
    const all = await Promise.all(responses)
    assert.equal(origin.count('/private'), 5)
    assert.equal(new Set(all.map((response) => response.body.toString())).size, 5)
  })
})
