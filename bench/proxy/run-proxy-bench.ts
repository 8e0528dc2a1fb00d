/**
 * bench/proxy: the proxy path (SOCKS5 → gateway → HTTP/2 tunnel → exit → target) next to
 * a direct TCP connection to the same target, in the same run, on loopback:
 *   - bulk throughput each way (SIZE_MIB, default 256 MiB; the issue asks for 1024);
 *   - connection-setup latency (connect + one echoed byte), p50/p99 over SETUPS runs;
 *   - IDLE concurrent idle streams over one tunnel, and the process RSS they cost.
 * Everything runs in one process (one event loop carries client, gateway, exit and
 * target), so the ratios are a floor for a deployment where they are separate machines.
 *
 *   npx node bench/proxy/run-proxy-bench.ts          (SIZE_MIB=1024 SETUPS=500 IDLE=1000)
 */
import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { startProxyNetwork, waitFor } from '../../tests/testing/proxy-network.ts'
import { socks5Connect } from './socks5-connect.ts'

const SIZE = Number(process.env['SIZE_MIB'] ?? 256) * 1024 * 1024
const SETUPS = Number(process.env['SETUPS'] ?? 300)
const IDLE = Number(process.env['IDLE'] ?? 1000)
const CHUNK = Buffer.alloc(256 * 1024, 0x5a)

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    resolve(typeof address === 'object' && address !== null ? address.port : 0)
  }))
}

/** Sends SIZE bytes to whoever connects, then ends. */
const source = createServer((socket) => {
  socket.setNoDelay(true)
  let left = SIZE
  const pump = (): void => {
    while (left > 0) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)
      left -= chunk.length
      if (!socket.write(chunk)) return void socket.once('drain', pump)
    }
    socket.end()
  }
  socket.on('error', () => undefined)
  pump()
})
/** Reads SIZE bytes, then answers one byte. */
const sink = createServer((socket) => {
  let got = 0
  socket.on('error', () => undefined)
  socket.on('data', (chunk: Buffer) => {
    got += chunk.length
    if (got >= SIZE) socket.end('k')
  })
})
/** Echoes. */
const echo = createServer((socket) => {
  socket.setNoDelay(true)
  socket.on('error', () => undefined)
  socket.pipe(socket)
})

const [sourcePort, sinkPort, echoPort] = [await listen(source), await listen(sink), await listen(echo)]
const network = await startProxyNetwork({ exits: [{ country: 'xx' }], credit: 10n ** 24n, extraAllowPorts: [sourcePort, sinkPort, echoPort] })
const socksPort = Number(new URL(`http://${(network.gateway.socks5Url ?? '').replace('socks5h://', '')}`).port)

type Opener = (port: number) => Promise<Socket>
const direct: Opener = (port) => new Promise((resolve, reject) => {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket))
  socket.once('error', reject)
})
const proxied: Opener = (port) => socks5Connect(socksPort, network.username, network.password, port)

async function download(open: Opener): Promise<number> {
  const started = performance.now()
  const socket = await open(sourcePort)
  let got = 0
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => (got += chunk.length))
    socket.once('close', () => resolve())
    socket.resume()
  })
  if (got !== SIZE) throw new Error(`download got ${got} of ${SIZE} bytes`)
  return SIZE / ((performance.now() - started) / 1000)
}

async function upload(open: Opener): Promise<number> {
  const started = performance.now()
  const socket = await open(sinkPort)
  const done = new Promise<void>((resolve) => socket.once('data', () => resolve()))
  socket.resume()
  let left = SIZE
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (left > 0) {
        const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)
        left -= chunk.length
        if (!socket.write(chunk)) return void socket.once('drain', pump)
      }
      resolve()
    }
    pump()
  })
  await done
  socket.destroy()
  return SIZE / ((performance.now() - started) / 1000)
}

async function setupLatencies(open: Opener): Promise<number[]> {
  const samples: number[] = []
  for (let round = 0; round < SETUPS; round += 1) {
    const started = performance.now()
    const socket = await open(echoPort)
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve())
      socket.resume()
      socket.write('x')
    })
    samples.push(performance.now() - started)
    socket.destroy()
  }
  return samples.sort((a, b) => a - b)
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const mib = (bytesPerSecond: number): string => `${(bytesPerSecond / 1024 / 1024).toFixed(0)} MiB/s`

const results: string[] = []
const downDirect = await download(direct)
const downProxy = await download(proxied)
results.push(`download ${SIZE / 1024 / 1024} MiB: direct ${mib(downDirect)}, proxy ${mib(downProxy)}, ratio ${(downProxy / downDirect).toFixed(2)}`)
const upDirect = await upload(direct)
const upProxy = await upload(proxied)
results.push(`upload   ${SIZE / 1024 / 1024} MiB: direct ${mib(upDirect)}, proxy ${mib(upProxy)}, ratio ${(upProxy / upDirect).toFixed(2)}`)
const setupDirect = await setupLatencies(direct)
const setupProxy = await setupLatencies(proxied)
results.push(
  `setup (connect + 1-byte echo), ${SETUPS} runs: direct p50 ${quantile(setupDirect, 0.5).toFixed(3)} ms p99 ${quantile(setupDirect, 0.99).toFixed(3)} ms; ` +
    `proxy p50 ${quantile(setupProxy, 0.5).toFixed(3)} ms p99 ${quantile(setupProxy, 0.99).toFixed(3)} ms; added p50 ${(quantile(setupProxy, 0.5) - quantile(setupDirect, 0.5)).toFixed(3)} ms`,
)

global.gc?.()
const rssBefore = process.memoryUsage().rss
const idle: Socket[] = []
for (let index = 0; index < IDLE; index += 1) idle.push(await proxied(echoPort))
await waitFor(() => idle.length === IDLE)
global.gc?.()
const rssAfter = process.memoryUsage().rss
results.push(`${IDLE} idle streams over one tunnel: process RSS ${(rssBefore / 1024 / 1024).toFixed(0)} → ${(rssAfter / 1024 / 1024).toFixed(0)} MiB (+${((rssAfter - rssBefore) / IDLE / 1024).toFixed(1)} KiB per stream, gateway + exit + client + target sockets)`)
for (const socket of idle) socket.destroy()

process.stdout.write(`bench/proxy (one process, loopback, ${new Date().toISOString()})\n${results.map((line) => `  ${line}`).join('\n')}\n`)
await network.stop()
for (const server of [source, sink, echo]) server.close()
