/**
 * Test support (not a test): a cheating node made from a real one. It stands in front of
 * a real node (registered with this front's URL as its public URL) and forwards every
 * request. In mode `garble` it garbles the body of every zone response (`/z/...`: every
 * byte XOR 0x5a, length and headers kept), as a node that serves wrong bytes would; in
 * mode `canned` it answers every zone request after the first with the first zone
 * response it saw (status, headers and body), as a node answering probes from a canned
 * response would. Loopback only.
 */
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Transform } from 'node:stream'

export interface TamperingFront {
  readonly url: string
  /** Where requests go; set once the real node listens. */
  setTarget(url: string): void
  close(): Promise<void>
}

export async function startTamperingFront(mode: 'garble' | 'canned' = 'garble'): Promise<TamperingFront> {
  let target: URL | undefined
  let canned: { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Buffer } | undefined
  const server = createServer((request, response) => {
    if (target === undefined) {
      response.writeHead(503).end()
      return
    }
    const isZone = (request.url ?? '').startsWith('/z/')
    if (mode === 'canned' && isZone && canned !== undefined) {
      request.resume()
      response.writeHead(canned.status, canned.headers).end(canned.body)
      return
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent: false },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        if (mode === 'canned') {
          const chunks: Buffer[] = []
          answer.on('data', (chunk: Buffer) => chunks.push(chunk))
          answer.on('end', () => {
            if (isZone && canned === undefined) canned = { status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }
          })
          answer.pipe(response)
          return
        }
        const garble = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            done(null, isZone ? chunk.map((byte) => byte ^ 0x5a) : chunk)
          },
        })
        answer.pipe(garble).pipe(response)
      },
    )
    forward.on('error', () => response.destroy())
    request.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo // listening on TCP: an AddressInfo.
  return {
    url: `http://127.0.0.1:${String(port)}`,
    setTarget(url) {
      target = new URL(url)
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
