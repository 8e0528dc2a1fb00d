import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { send, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { TestNode } from '../../testing/cache-server-fixtures.ts'

/** A raw TCP origin: each path gets a script that writes whatever bytes it likes. */
function startRawOrigin(scripts: Map<string, (socket: Socket) => void>): Promise<{ server: Server; url: string; connections: () => number }> {
  let connections = 0
  const server = createServer((socket) => {
    connections += 1
    let buffered = ''
    socket.on('error', () => undefined)
    socket.on('data', (data) => {
      buffered += data.toString('latin1')
      // One request at a time per connection (keep-alive), each a GET without a body.
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end)
        buffered = buffered.slice(end + 4)
        const path = head.split(' ')[1] ?? '/'
        const script = scripts.get(path)
        if (script === undefined) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
        else script(socket)
      }
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      resolve({ server, url: `http://127.0.0.1:${port}`, connections: () => connections })
    })
  })
}

describe('failing origins get the client a clean answer', () => {
  const scripts = new Map<string, (socket: Socket) => void>()
  let origin: Awaited<ReturnType<typeof startRawOrigin>>
  let node: TestNode
  before(async () => {
    origin = await startRawOrigin(scripts)
    node = await startTestNode(origin.url, { flags: { originIdleTimeoutMs: '500' } })
  })
  after(async () => {
    await node.stop()
    await new Promise((resolve) => origin.server.close(resolve))
  })

  it('answers 502 when the origin sends a bad status line', async () => {
    scripts.set('/bad-status', (socket) => socket.end('HTTP/1.1 2x0 What\r\nContent-Length: 2\r\n\r\nok'))
    const response = await send(node.node.url, '/bad-status')
    assert.equal(response.status, 502)
    assert.doesNotMatch(response.body.toString(), /at .*\.ts:\d+/)
  })

  it('answers 502 when the origin sends a broken chunked body before any byte went out', async () => {
    scripts.set('/bad-chunk', (socket) => socket.end('HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n'))
    const response = await send(node.node.url, '/bad-chunk')
    assert.equal(response.status, 502)
    assert.equal(response.isAborted, false)
    // Nothing was stored: the next request goes to the origin again, and fails the same.
    assert.equal((await send(node.node.url, '/bad-chunk', { headers: { 'cache-control': 'only-if-cached' } })).status, 504)
  })

  it('answers 502 when an uncacheable response breaks before its first byte', async () => {
    scripts.set('/bad-chunk-private', (socket) => socket.end('HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))
    assert.equal((await send(node.node.url, '/bad-chunk-private')).status, 502)
  })

  it('never says "stored" in Cache-Status for a fill the origin cut short', async () => {
    scripts.set('/truncated', (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 200000\r\n\r\n')
      socket.write(Buffer.alloc(70_000, 'a'), () => setTimeout(() => socket.write(Buffer.alloc(70_000, 'b'), () => setTimeout(() => socket.destroy(), 20)), 20))
    })
    const response = await send(node.node.url, '/truncated')
    assert.ok(response.isAborted || response.status === 502)
    assert.doesNotMatch(String(response.headers['cache-status'] ?? ''), /stored/)
    assert.equal((await send(node.node.url, '/truncated', { headers: { 'cache-control': 'only-if-cached' } })).status, 504)
  })

  it('retries once on a fresh connection when the origin silently closed a kept-alive one', async () => {
    let served = 0
    scripts.set('/keep-alive-then-close', (socket) => {
      served += 1
      socket.write(`HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nk${served % 10}`)
      // Closed right after answering, without a Connection: close: the node's pool may
      // still hand this socket to the next request.
      setImmediate(() => socket.destroy())
    })
    for (let index = 0; index < 20; index += 1) {
      const response = await send(node.node.url, '/keep-alive-then-close')
      assert.equal(response.status, 200, `request ${index}`)
    }
    assert.ok(served >= 20)
  })
})
