import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { BenchObject } from './bench-objects.ts'
import { startOriginServer, type OriginServer } from './origin-server.ts'

const objects: readonly BenchObject[] = [{ name: '4KiB', path: '/obj/4k.bin', sizeBytes: 4096n, targetRatio: 0.8 }]

describe('startOriginServer', () => {
  let origin: OriginServer
  let base: string
  before(async () => {
    origin = await startOriginServer({ objects, slowDelayMs: 1 })
    base = `http://127.0.0.1:${origin.port}`
  })
  after(() => origin.close())

  it('serves each object at its size, cacheable for an hour, with a strong ETag', async () => {
    const response = await fetch(`${base}/obj/4k.bin`)
    assert.equal(response.status, 200)
    assert.equal((await response.arrayBuffer()).byteLength, 4096)
    assert.equal(response.headers.get('cache-control'), 'public, max-age=3600')
    assert.match(response.headers.get('etag') ?? '', /^"[\w-]+"$/)
  })

  it('answers 304 to a matching If-None-Match, weak or strong (RFC 9110 §13.1.2)', async () => {
    const etag = (await fetch(`${base}/obj/4k.bin`, { method: 'HEAD' })).headers.get('etag') ?? ''
    for (const condition of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await fetch(`${base}/obj/4k.bin`, { headers: { 'If-None-Match': condition } })
      assert.equal(response.status, 304, condition)
    }
    const changed = await fetch(`${base}/obj/4k.bin`, { headers: { 'If-None-Match': '"other"' } })
    assert.equal(changed.status, 200)
    await changed.arrayBuffer()
  })

  it('serves any /slow/ path and counts the requests per path', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/slow/a`)
      assert.equal(response.status, 200)
      assert.match(await response.text(), /^slow object \/slow\/a/)
    }
    assert.equal(origin.hitsFor('/slow/a'), 3)
    assert.equal(origin.hitsFor('/slow/b'), 0)
  })

  it('does not count readiness probes and answers 404 elsewhere', async () => {
    assert.equal((await fetch(`${base}/__ready`)).status, 204)
    assert.equal(origin.hitsFor('/__ready'), 0)
    assert.equal((await fetch(`${base}/nope`)).status, 404)
  })
})
