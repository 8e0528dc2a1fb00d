import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assertFuzzOutcomes, generateFuzzCases, runFuzzCases, sendFuzzCase } from '../../testing/request-fuzz.ts'
import { send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

const CASES = 2000

function portOf(url: string): number {
  return Number(new URL(url).port)
}

for (const fastConnections of ['on', 'off'] as const) {
  describe(`fuzzing the standalone node (fast connections ${fastConnections})`, () => {
    let origin: ScriptedOrigin
    let node: TestNode
    const errors: unknown[] = []
    before(async () => {
      origin = await startScriptedOrigin()
      origin.route('*', (req, res) => {
        req.resume()
        res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '2' }).end('ok')
      })
      node = await startTestNode(origin.url, { flags: { fastConnections, adminPort: '0' } })
    })
    after(async () => {
      await node.stop()
      await origin.close()
    })

    it(`answers ${CASES} odd requests (absolute-form, //, *, dot segments, bad escapes, raw bytes, odd Host, half-closed sockets) without a stack trace or a 500`, async () => {
      assertFuzzOutcomes(await runFuzzCases(portOf(node.node.url), generateFuzzCases(CASES, 9)))
      assert.deepEqual(errors, [])
    })

    it('the admin port answers the same odd requests the same way', async () => {
      assertFuzzOutcomes(await runFuzzCases(portOf(node.node.adminUrl), generateFuzzCases(CASES, 10)))
    })

    it('answers a miss whose client half-closed its socket (shutdown SHUT_WR) right after the request', async () => {
      let release: () => void = () => undefined
      const released = new Promise<void>((resolve) => (release = resolve))
      origin.route('/half-closed-miss', (_req, res) => {
        // Answers only after the node saw the client's FIN (the client's end is sent first).
        void released.then(() => res.writeHead(200, { 'content-length': '4', 'cache-control': 'no-store' }).end('late'))
      })
      const outcome = sendFuzzCase(portOf(node.node.url), { bytes: Buffer.from('GET /half-closed-miss HTTP/1.1\r\nHost: x\r\n\r\n'), isHalfClosed: true })
      setImmediate(release)
      const { response } = await outcome
      assert.match(response, /^HTTP\/1\.1 200 /)
      assert.match(response, /\r\n\r\nlate$/)
    })

    it('still serves /_meson/healthz and cached objects afterwards', async () => {
      assert.equal((await send(node.node.adminUrl, '/_meson/healthz')).status, 200)
      assert.equal((await send(node.node.url, '/after-fuzz')).body.toString(), 'ok')
    })
  })
}
