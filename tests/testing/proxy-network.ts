import { execFile, spawn } from 'node:child_process'
import { createServer as createHttpServer } from 'node:http'
import type { Server as HttpServer } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import type { Server as TcpServer, Socket } from 'node:net'
import { connect } from 'node:net'
import { generateKeyPair, nodeIdFromPublicKey, publicKeyToString, rawPublicKeyOf } from '@meson/protocol'
import type { AccountId, ExitPolicy, NodeId, ResolveHostName } from '@meson/protocol'
import { authorizeRegisteredExit, buyerLedgerAccount, generateProxySecret, hashProxySecret, openStores, operatorPendingLedgerAccount, startProxyGateway } from '@meson/coordinator/testing'
import type { ProxyStore, RunningProxyGateway, Store } from '@meson/coordinator/testing'
import { ProxyTunnelClient } from '@meson/node/testing'

/**
 * Test support (not a test): a whole proxy network in one process on loopback — a real
 * store, the gateway, exits dialing it over real TCP, a target HTTP server (allow-listed)
 * and a tripwire port (never allow-listed) that records any connection.
 */

/** 2^30 × 10^9 base units per GiB: every byte costs exactly 10^9, so flushes never round. */
export const PRICE_PER_GIB = 2n ** 30n * 10n ** 9n
export const OPERATOR_SHARE_PERCENT = 80

/** Deterministic bytes that differ per position, so a torn or shifted body cannot pass. */
export function patternBytes(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, index) => (index * 31 + (index >> 8)) & 255))
}

export interface ExitSpec {
  readonly country: string | undefined
  readonly policy?: Partial<ExitPolicy>
}

export interface ProxyNetwork {
  readonly store: Store
  readonly proxyStore: ProxyStore
  readonly gateway: RunningProxyGateway
  readonly buyerId: AccountId
  readonly operatorId: AccountId
  readonly username: string
  readonly password: string
  readonly targetPort: number
  readonly tripwirePort: number
  /** Connections the tripwire saw: must stay 0. */
  tripwireConnections(): number
  /** Bytes the target wrote into the never-read stream of /big. */
  bigBytesWritten(): number
  /** Node ids in the order their exits dialed the target. */
  readonly dials: string[]
  readonly exits: { readonly nodeId: NodeId; readonly client: ProxyTunnelClient }[]
  addBuyer(credit: bigint): Promise<{ readonly id: AccountId; readonly password: string }>
  /** Registers a node key (as an exit of `country`) without starting a tunnel client for it. */
  registerNode(publicKey: Uint8Array, country: string | undefined): Promise<NodeId>
  balanceOf(accountId: AccountId): Promise<bigint>
  operatorBalance(): Promise<bigint>
  stop(): Promise<void>
}

export const FILE = patternBytes(256 * 1024)

function listen(server: HttpServer | TcpServer): Promise<number> {
  return new Promise((resolve, reject) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') reject(new Error('not bound to a TCP port'))
      else resolve(address.port)
    }),
  )
}

/** Starts the network: `exits` exit nodes with the given countries and policies. */
export async function startProxyNetwork(options: {
  readonly exits: readonly ExitSpec[]
  readonly credit?: bigint
  readonly flushBytes?: number
  readonly resolve?: ResolveHostName
  /** More loopback ports the gateway and the exits may reach (benchmarks). */
  readonly extraAllowPorts?: readonly number[]
  /** More exact allow-list entries (address as the policy formats it, e.g. '::1'), for targets not on 127.0.0.1. */
  readonly extraAllow?: readonly { readonly address: string; readonly port: number }[]
  /** The gateway's data-connection grant per exit (default: the gateway's); idle 0 = HTTP/2 streams only. */
  readonly dataConnections?: { readonly idle: number; readonly max: number }
  /** The gateway's credential and balance cache lifetimes (default: the gateway's). */
  readonly credentialTtlMs?: number
  readonly balanceTtlMs?: number
}): Promise<ProxyNetwork> {
  let bigWritten = 0
  const target = createHttpServer((request, response) => {
    if (request.url === '/file') {
      response.writeHead(200, { 'content-length': FILE.length })
      return void response.end(FILE)
    }
    if (request.url === '/echo' && request.method === 'POST') {
      response.writeHead(200)
      return void request.pipe(response)
    }
    if (request.url === '/big') {
      // 256 MiB, written only as fast as the reader drains it.
      const chunk = Buffer.alloc(64 * 1024, 7)
      let left = 4096
      response.writeHead(200, { 'content-length': chunk.length * left })
      const pump = (): void => {
        while (left > 0) {
          left -= 1
          bigWritten += chunk.length
          if (!response.write(chunk)) return void response.once('drain', pump)
        }
        response.end()
      }
      return pump()
    }
    response.writeHead(404).end()
  })
  let tripped = 0
  const tripwire = createTcpServer((socket) => {
    tripped += 1
    socket.destroy()
  })
  const targetPort = await listen(target)
  const tripwirePort = await listen(tripwire)

  const stores = await openStores({ url: 'sqlite::memory:' })
  const { store, proxy: proxyStore } = stores
  const operator = await store.createAccount({ name: 'operator', role: 'operator' })
  let grants = 0
  const addBuyer = async (credit: bigint): Promise<{ id: AccountId; password: string }> => {
    const buyer = await store.createAccount({ name: `buyer-${grants}`, role: 'buyer' })
    grants += 1
    if (credit > 0n) {
      await store.postTransaction({ id: `grant:${buyer.id}`, kind: 'grant', entries: [{ ledgerAccount: buyerLedgerAccount(buyer.id), amount: credit }, { ledgerAccount: 'system:grants', amount: -credit }] })
    }
    const password = generateProxySecret()
    await proxyStore.setCredentialHash(buyer.id, hashProxySecret(password), Date.now())
    return { id: buyer.id, password }
  }
  const buyer = await addBuyer(options.credit ?? 10n ** 18n)

  const countries = new Map<string, string | undefined>()
  const allowTarget = [...[targetPort, ...(options.extraAllowPorts ?? [])].map((port) => ({ address: '127.0.0.1', port })), ...(options.extraAllow ?? [])]
  let seed = 7
  const gateway = await startProxyGateway({
    host: '127.0.0.1',
    httpPort: 0,
    socksPort: 0,
    tunnelPort: 0,
    policy: { blockedPorts: [25, 465, 587], allow: allowTarget },
    pricePerGiB: PRICE_PER_GIB,
    operatorSharePercent: OPERATOR_SHARE_PERCENT,
    store,
    proxyStore,
    authorizeExit: async (nodeId, publicKey, remoteAddress) => {
      const authorized = await authorizeRegisteredExit(stores.fleet, () => undefined)(nodeId, publicKey, remoteAddress)
      return authorized === undefined ? undefined : { ...authorized, country: countries.get(nodeId) }
    },
    flushBytes: options.flushBytes ?? 8 << 20,
    flushIntervalMs: 200,
    ...(options.dataConnections === undefined ? {} : { dataConnections: options.dataConnections }),
    ...(options.credentialTtlMs === undefined ? {} : { credentialTtlMs: options.credentialTtlMs }),
    ...(options.balanceTtlMs === undefined ? {} : { balanceTtlMs: options.balanceTtlMs }),
    random: () => {
      seed = (seed * 48271) % 2147483647
      return seed / 2147483647
    },
  })

  const registerNode = async (publicKey: Uint8Array, country: string | undefined): Promise<NodeId> => {
    const nodeId = nodeIdFromPublicKey(publicKey)
    countries.set(nodeId, country)
    await stores.fleet.saveNode({ id: nodeId, operatorId: operator.id, publicKey: publicKeyToString(publicKey), publicUrl: 'http://127.0.0.1:9', version: '0.1.0', status: 'active', publicIp: '127.0.0.1', diskQuotaBytes: 0n, declaredUplinkMbps: 0, capabilities: ['proxy'], isReachable: false })
    return nodeId
  }
  const dials: string[] = []
  const exits: { nodeId: NodeId; client: ProxyTunnelClient }[] = []
  for (const spec of options.exits) {
    const { privateKey } = generateKeyPair()
    const publicKey = rawPublicKeyOf(privateKey)
    const nodeId = await registerNode(publicKey, spec.country)
    const client = new ProxyTunnelClient({
      gateway: gateway.tunnel,
      identity: { nodeId, publicKey, privateKey },
      policy: { blockedPorts: [25, 465, 587], allow: allowTarget, ...spec.policy },
      resolve: options.resolve ?? ((name) => Promise.resolve(name === 'target.test' ? ['127.0.0.1'] : [])),
      dial: (address, port) => {
        dials.push(nodeId)
        return connect({ host: address, port, noDelay: true })
      },
      backoff: { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2 },
    })
    client.start()
    exits.push({ nodeId, client })
  }
  await waitFor(() => gateway.pool.size === options.exits.length)

  return {
    store,
    proxyStore,
    gateway,
    buyerId: buyer.id,
    operatorId: operator.id,
    username: `customer-${buyer.id}`,
    password: buyer.password,
    targetPort,
    tripwirePort,
    tripwireConnections: () => tripped,
    bigBytesWritten: () => bigWritten,
    dials,
    exits,
    addBuyer,
    registerNode,
    balanceOf: (accountId) => store.getBalance(buyerLedgerAccount(accountId)),
    operatorBalance: () => store.getBalance(operatorPendingLedgerAccount(operator.id)),
    async stop() {
      await Promise.all(exits.map((exit) => exit.client.stop()))
      await gateway.stop()
      target.closeAllConnections()
      await new Promise<void>((resolve) => target.close(() => resolve()))
      await new Promise<void>((resolve) => tripwire.close(() => resolve()))
      await stores.close()
    },
  }
}

/** Polls until `condition` holds (waiting for asynchronous effects, not measuring time). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let round = 0; round < 2000; round += 1) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

export interface CurlResult {
  readonly exitCode: number
  readonly stdout: Buffer
  readonly stderr: string
}

/** Runs the real curl binary, `input` on its stdin; never throws for a non-zero exit. */
export function curl(args: readonly string[], input?: Uint8Array): Promise<CurlResult> {
  return new Promise((resolve) => {
    const child = spawn('curl', ['--silent', '--show-error', '--max-time', '60', '--noproxy', '', ...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.stdin.on('error', () => undefined)
    child.stdin.end(input)
    child.once('close', (code) => resolve({ exitCode: code ?? 1, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') }))
  })
}

/** Finds the curl binary, or says why the tests skip. */
export function whyNoCurl(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('curl', ['--version'], (error) => resolve(error === null ? undefined : 'curl is not installed'))
  })
}

/** A raw TCP exchange: sends `bytes`, returns everything received until the peer closes. */
export function rawExchange(port: number, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.once('close', () => resolve(Buffer.concat(chunks)))
    socket.write(bytes)
    socket.end()
  })
}
