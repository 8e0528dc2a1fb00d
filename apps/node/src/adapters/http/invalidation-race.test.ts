import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eventually, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

/**
 * RFC 9111 §4.4: an unsafe request's non-error answer invalidates the target URI. The
 * client may send it the moment it has the GET's last byte, while the node is still
 * committing that GET's fill; the invalidation must win every time, and a GET right
 * after a fill must find the object (the last byte is released after it is indexed).
 */
describe('invalidation races a fill (RFC 9111 §4.4)', () => {
  let origin: ScriptedOrigin
  let node: TestNode
  const versions = new Map<string, number>()

  before(async () => {
    origin = await startScriptedOrigin()
    origin.route('*', (req, res) => {
      const path = req.url ?? '/'
      if (req.method === 'POST' || req.method === 'PUT' || req.method === 'DELETE') {
        versions.set(path, (versions.get(path) ?? 0) + 1)
        req.resume()
        req.on('end', () => res.writeHead(204).end())
        return
      }
      // A body big enough that the commit has real work (hash, fsync) after the last byte.
      const body = `v${versions.get(path) ?? 0};`.padEnd(64 * 1024, '.')
      res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-length': String(body.length) }).end(body)
    })
    node = await startTestNode(origin.url)
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  const version = (body: Buffer) => body.subarray(0, 3).toString()
  const methods = ['POST', 'PUT', 'DELETE'] as const

  it('never serves the pre-invalidation object after many concurrent GET, POST/PUT/DELETE, GET sequences', async () => {
    const workers = 4
    const perWorker = 30
    const outcomes: string[] = []
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        for (let index = 0; index < perWorker; index += 1) {
          const path = `/race-${worker}-${index}`
          const method = methods[index % methods.length] ?? 'POST'
          const filled = await send(node.node.url, path)
          // Node's client sends a DELETE body unframed, so DELETE goes without one.
          const unsafe = await send(node.node.url, path, method === 'DELETE' ? { method } : { method, body: 'x' })
          const after = await send(node.node.url, path)
          const again = await send(node.node.url, path)
          outcomes.push(
            [path, version(filled.body), unsafe.status, version(after.body), version(again.body), String(again.headers['cache-status']).includes('hit')].join(' '),
          )
        }
      }),
    )
    const wrong = outcomes.filter((outcome) => !outcome.endsWith(' v0; 204 v1; v1; true'))
    assert.deepEqual(wrong, [])
    assert.equal(outcomes.length, workers * perWorker)
  })

  it('finds a fill in the cache on the request right after its last byte', async () => {
    for (let index = 0; index < 40; index += 1) {
      const path = `/miss-then-hit-${index}`
      assert.match(String((await send(node.node.url, path)).headers['cache-status']), /fwd=uri-miss/)
      assert.match(String((await send(node.node.url, path)).headers['cache-status']), /; hit/)
    }
  })
})

describe('invalidation lands before a fill\'s origin headers (RFC 9111 §4.4)', () => {
  let origin: ScriptedOrigin
  let node: TestNode
  let version = 0
  let releaseHeld: () => void = () => undefined

  before(async () => {
    origin = await startScriptedOrigin()
    origin.route('/held', (req, res) => {
      if (req.method === 'POST') {
        version += 1
        req.resume()
        req.on('end', () => res.writeHead(204).end())
        return
      }
      // The origin builds its answer now (before the POST) but its headers leave later.
      const body = `v${version}`
      const isFirst = origin.count('/held') === 1
      const answer = () => res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-length': String(body.length) }).end(body)
      if (isFirst) releaseHeld = answer
      else answer()
    })
    node = await startTestNode(origin.url)
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  it('does not store the answer the origin built before the invalidating POST', async () => {
    const first = send(node.node.url, '/held')
    await eventually(() => origin.count('/held') === 1)
    const post = await send(node.node.url, '/held', { method: 'POST', body: 'x' })
    assert.equal(post.status, 204)
    releaseHeld()
    assert.equal((await first).body.toString(), 'v0')
    const after = await send(node.node.url, '/held')
    assert.equal(after.body.toString(), 'v1')
    assert.match(String(after.headers['cache-status']), /fwd=uri-miss/)
  })
})
