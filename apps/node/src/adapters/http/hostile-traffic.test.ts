import assert from 'node:assert/strict'
import { readdir, truncate } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { errorCodeOf, eventually, removeDir, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closed it. */
function sendRaw(baseUrl: string, write: (socket: import('node:net').Socket) => void): Promise<{ text: string; closedByServer: boolean }> {
  const url = new URL(baseUrl)
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), closedByServer: true }))
    socket.on('connect', () => write(socket))
  })
}

describe('hostile clients and failing origins', () => {
  let origin: ScriptedOrigin
  let node: TestNode

  before(async () => {
    origin = await startScriptedOrigin()
    node = await startTestNode(origin.url, {
      flags: { maxHeaderSizeBytes: '16KiB', maxHeaderCount: '100', headersTimeoutMs: '300', requestTimeoutMs: '600', originTimeoutMs: '300', originIdleTimeoutMs: '300' },
    })
    origin.route('/ok', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end('ok'))
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  async function assertStillServing(): Promise<void> {
    const response = await send(node.node.url, '/ok')
    assert.equal(response.status, 200)
  }

  it('answers a 1 MB header with 431 and keeps serving', async () => {
    const { text } = await sendRaw(node.node.url, (socket) => {
      socket.write(`GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1024 * 1024)}\r\n\r\n`, () => undefined)
    })
    assert.match(text, /^HTTP\/1\.1 431 /)
    await assertStillServing()
  })

  it('answers 200 header fields with 431', async () => {
    const headers: Record<string, string> = {}
    for (let i = 0; i < 200; i++) headers[`x-h${i}`] = 'v'
    const response = await send(node.node.url, '/ok', { headers })
    assert.equal(response.status, 431)
    await assertStillServing()
  })

  it('closes a slowloris client that sends its headers a byte at a time', async () => {
    const request = 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'z'.repeat(200)
    let timer: NodeJS.Timeout | undefined
    const result = await sendRaw(node.node.url, (socket) => {
      let index = 0
      timer = setInterval(() => {
        if (socket.destroyed || index >= request.length) return
        socket.write(request.charAt(index++))
      }, 20)
    })
    clearInterval(timer)
    assert.equal(result.closedByServer, true)
    assert.doesNotMatch(result.text, /HTTP\/1\.1 200/)
    await assertStillServing()
  })

  it('answers 504 when the origin never answers', async () => {
    origin.route('/never', () => undefined)
    const response = await send(node.node.url, '/never')
    assert.equal(response.status, 504)
    assert.equal(errorCodeOf(response), 'ORIGIN_TIMEOUT')
  })

  it('answers 502 when the origin resets the connection before its headers', async () => {
    origin.route('/reset', (req) => req.socket.destroy())
    const response = await send(node.node.url, '/reset')
    assert.equal(response.status, 502)
    assert.equal(errorCodeOf(response), 'ORIGIN_RESET')
    assert.doesNotMatch(response.body.toString(), /at .*\.ts/)
  })

  it('aborts the client response when the origin drops mid-body, and stores nothing', async () => {
    let isBroken = true
    origin.route('/drop', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '100000' })
      if (!isBroken) return void res.end(Buffer.alloc(100000, 'w'))
      res.write(Buffer.alloc(30000, 'p'), () => setTimeout(() => req.socket.destroy(), 20))
    })
    const cut = await send(node.node.url, '/drop')
    // Aborted once bytes went out; a clean 502 when the drop came before the first one.
    assert.ok(cut.isAborted || cut.status === 502)
    assert.ok(cut.status === 502 || cut.body.length < 100000)
    isBroken = false
    const whole = await send(node.node.url, '/drop')
    assert.equal(whole.isAborted, false)
    assert.ok(whole.body.equals(Buffer.alloc(100000, 'w')))
    assert.equal(origin.count('/drop'), 2)
  })

  it('answers 502 when a chunked origin body stalls past the idle timeout before a byte went out', async () => {
    origin.route('/stall', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' })
      res.write('partial')
    })
    const cut = await send(node.node.url, '/stall')
    // The one chunk was held back for the commit, so nothing went out: a clean 502.
    assert.equal(cut.status, 502)
    assert.equal(cut.headers['cache-status'], undefined)
    assert.equal((await send(node.node.url, '/stall', { headers: { 'cache-control': 'only-if-cached' } })).status, 504)
  })

  it('relays but does not store an object above the max object size', async () => {
    const big = await startTestNode(origin.url, { flags: { maxObjectSizeBytes: '1KiB' } })
    try {
      origin.route('/big', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end(Buffer.alloc(4096, 'b')))
      const first = await send(big.node.url, '/big')
      assert.equal(first.body.length, 4096)
      await send(big.node.url, '/big')
      assert.equal(origin.count('/big'), 2)
    } finally {
      await big.stop()
    }
  })

  it('never serves an object whose body file was torn while the node was down', async () => {
    const dataDir = `${node.dataDir}-torn`
    const body = Buffer.alloc(50_000, 't')
    origin.route('/torn', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600' }).end(body))
    const first = await startTestNode(origin.url, { dataDir })
    await send(first.node.url, '/torn')
    await first.stop()
    const bodyFiles: string[] = []
    for (const shard of await readdir(join(dataDir, 'cache'))) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue
      for (const name of await readdir(join(dataDir, 'cache', shard))) if (name.endsWith('.body')) bodyFiles.push(join(dataDir, 'cache', shard, name))
    }
    assert.equal(bodyFiles.length, 1)
    await truncate(bodyFiles[0] ?? '', 1000)
    const second = await startTestNode(origin.url, { dataDir })
    try {
      const response = await send(second.node.url, '/torn')
      assert.ok(response.body.equals(body))
      assert.equal(origin.count('/torn'), 2)
    } finally {
      await second.stop()
      await removeDir(dataDir)
    }
  })

  it('keeps serving after all of the above', async () => {
    await eventually(async () => (await send(node.node.url, '/_meson/healthz')).status === 200)
    await assertStillServing()
  })
})
