/**
 * bench/proxy child: one hop of the bare relay peer — the least any user-space proxy with
 * the same process hops can cost (no HTTP/2, no auth, no metering, plain `pipe`).
 *   BENCH_NEXT_PORT set: forwards every connection to 127.0.0.1:BENCH_NEXT_PORT (the gateway's stand-in);
 *   unset: reads a 2-byte big-endian port, then connects to 127.0.0.1:port (the exit's stand-in).
 * Writes `{ready, port}`; answers `cpu` on stdin with `{cpu}` (µs); exits when stdin closes.
 */
import { connect, createServer } from 'node:net'
import type { Socket } from 'node:net'
import { createInterface } from 'node:readline'

const nextPort = process.env['BENCH_NEXT_PORT']

function splice(client: Socket, port: number, early: Buffer): void {
  const upstream = connect({ host: '127.0.0.1', port, noDelay: true })
  upstream.on('error', () => client.destroy())
  client.on('error', () => upstream.destroy())
  if (early.length > 0) upstream.write(early)
  client.pipe(upstream)
  upstream.pipe(client)
}

const server = createServer({ noDelay: true }, (client) => {
  if (nextPort !== undefined) return splice(client, Number(nextPort), Buffer.alloc(0))
  client.once('readable', function readPort() {
    const head = client.read(2) as Buffer | null // a readable socket in paused mode yields Buffers
    if (head === null) return void client.once('readable', readPort)
    splice(client, head.readUInt16BE(0), Buffer.alloc(0))
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ ready: true, port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`)
})
const commands = createInterface({ input: process.stdin })
commands.on('line', (line) => {
  if (line !== 'cpu') return
  const usage = process.cpuUsage()
  process.stdout.write(`${JSON.stringify({ cpu: usage.user + usage.system })}\n`)
})
commands.once('close', () => process.exit(0))
