import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

/** Sends an unfinished request head and reads until the server closes the connection. */
function sendSlowHead(url: string): Promise<string> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = connect({ host: hostname, port: Number(port) })
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(received))
    socket.on('connect', () => socket.write('GET /_meson/healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '))
  })
}

for (const fastConnections of ['on', 'off'] as const) {
  describe(`--headers-timeout-ms applies to every server of a standalone node (fast connections ${fastConnections})`, () => {
    let origin: ScriptedOrigin
    let node: TestNode
    before(async () => {
      origin = await startScriptedOrigin()
      node = await startTestNode(origin.url, { flags: { fastConnections, adminPort: '0', headersTimeoutMs: '300', requestTimeoutMs: '300' } })
    })
    after(async () => {
      await node.stop()
      await origin.close()
    })

    it('the main port answers a head that never ends with 408 and closes', async () => {
      assert.match(await sendSlowHead(node.node.url), /^HTTP\/1\.1 408 /)
    })

    it('the admin port answers a head that never ends with 408 and closes', async () => {
      assert.match(await sendSlowHead(node.node.adminUrl), /^HTTP\/1\.1 408 /)
    })
  })
}
