import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'
import { originFormOf } from './request-target.ts'

/** One raw request on its own connection; everything the node sent until it closed. */
function exchange(baseUrl: string, head: string): Promise<string> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(Number(url.port), url.hostname, () => socket.end(head, 'latin1'))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
}

describe('request targets (RFC 9112 §3.2)', () => {
  const rows: readonly (readonly [string, string | undefined])[] = [
    ['/a/b?c', '/a/b?c'],
    ['http://example.test/a/b?c', '/a/b?c'],
    ['HTTPS://example.test:8443/a', '/a'],
    ['http://example.test', '/'],
    ['http://example.test?q=1', '/?q=1'],
    ['http://example.test/a/../b', '/a/../b'],
    ['ftp://example.test/a', undefined],
    ['http:///a', undefined],
    ['example.test:443', undefined],
    ['*', undefined],
  ]
  for (const [target, expected] of rows) {
    it(`reads ${target} as ${expected ?? 'not served'}`, () => assert.equal(originFormOf(target), expected))
  }

  describe('on a node', () => {
    let origin: ScriptedOrigin
    let node: TestNode
    before(async () => {
      origin = await startScriptedOrigin()
      origin.route('/abs?x=1', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600' }).end('absolute'))
      node = await startTestNode(origin.url)
    })
    after(async () => {
      await node.stop()
      await origin.close()
    })

    it('serves an absolute-form target as its path and query, the same object as the origin-form one (§3.2.2 "MUST accept")', async () => {
      const response = await exchange(node.node.url, 'GET http://cdn.example.test/abs?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      assert.match(response, /^HTTP\/1\.1 200 /)
      assert.match(response, /\r\nabsolute\r\n/)
      assert.equal(origin.count('/abs?x=1'), 1)
      const hit = await send(node.node.url, '/abs?x=1')
      assert.equal(hit.body.toString(), 'absolute')
      assert.equal(origin.count('/abs?x=1'), 1)
    })

    it('answers a target of another scheme with 400', async () => {
      const response = await exchange(node.node.url, 'GET ftp://cdn.example.test/abs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      assert.match(response, /^HTTP\/1\.1 400 /)
    })
  })
})
