/**
 * Issue #4's "Show it", end to end on real sockets: a real coordinator (SQLite in a temp
 * dir, and PostgreSQL when reachable), a real origin, three real nodes in coordinator
 * mode (in this process), and a client that follows redirects by hand.
 *
 *   zone → 302 → node → origin's bytes → HIT → usage report → buyer charged and
 *   operator credited exactly → purge → origin again; and the hostile cases: a forged
 *   ticket, a replayed usage batch, a buyer out of credit.
 */
import assert from 'node:assert/strict'
import { createPrivateKey, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { costOfBytes, encodeTicket, newUsageBatchId, signEnvelope, TicketMacKey } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import { loadNodeModeConfig, startCoordinatorNode } from '@meson/node'
import type { RunningCoordinatorNode } from '@meson/node'
import { findTestStoreBackends, readJsonField as field } from '@meson/coordinator/testing'
import type { TestStore } from '@meson/coordinator/testing'

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef'
const NODE_COUNT = 3
/** 256 KiB of bytes that differ per position, so a torn or shifted body cannot pass. */
const FILE = Buffer.from(Array.from({ length: 256 * 1024 }, (_, index) => (index * 31 + (index >> 8)) & 255))
/**
 * 2^30 × 10^9 base units per GiB (about 1.07 MSN): every byte costs exactly 10^9, so the
 * per-batch floor of `costOfBytes` never rounds and the expected charge does not depend
 * on how the node split its usage into batches.
 */
const PRICE_PER_GIB = 2n ** 30n * 10n ** 9n
const CREDIT = 10n ** 18n // 1 MSN
const OPERATOR_SHARE_PERCENT = 80n


interface Answer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

function fetchRaw(url: string, options: { readonly method?: string; readonly token?: string; readonly json?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    const request = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(options.json === undefined ? undefined : JSON.stringify(options.json))
  })
}

async function api(method: string, url: string, options: { readonly token?: string; readonly json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const answer = await fetchRaw(url, { method, ...options })
  const text = answer.body.toString('utf8')
  return { status: answer.status, body: text === '' ? undefined : JSON.parse(text) }
}

/** Polls until `isDone`, at most `timeoutMs`; the assertion is on the value, never on the time. */
async function until<T>(attempt: () => Promise<T>, isDone: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await attempt()
    if (isDone(value)) return value
    if (Date.now() > deadline) assert.fail(`not within ${String(timeoutMs)} ms: ${what} (last: ${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item))})`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const backends = await findTestStoreBackends()

for (const backend of backends) {
  describe(`the CDN end to end (${backend.name})`, { skip: backend.skipReason ?? false }, () => {
    let dir = ''
    let testStore: TestStore | undefined
    let coordinator: RunningCoordinator
    let origin: Server
    let originUrl = ''
    const originHits = new Map<string, number>()
    const nodes: RunningCoordinatorNode[] = []
    const nodeDirs: string[] = []
    let buyerToken = ''
    let buyerId = ''
    let operatorId = ''
    let operatorToken = ''
    const zoneUrl = (path: string): string => `${coordinator.url}/z/e2e${path}`

    const balanceOf = async (account: string): Promise<bigint> => coordinator.store.getBalance(account)
    const buyerBalance = (): Promise<bigint> => balanceOf(`buyer:${buyerId}`)
    const operatorPending = (): Promise<bigint> => balanceOf(`operator:${operatorId}:pending`)

    /** GET through the redirector, following its 302 to a node once. */
    async function getThroughCdn(path: string): Promise<{ redirect: Answer; answer: Answer; node: RunningCoordinatorNode }> {
      const redirect = await fetchRaw(zoneUrl(path))
      assert.equal(redirect.status, 302, `expected a redirect, got ${String(redirect.status)} ${redirect.body.toString()}`)
      const location = String(redirect.headers.location)
      const node = nodes.find((candidate) => location.startsWith(`${candidate.url}/`))
      assert.ok(node, `a redirect to one of the nodes: ${location}`)
      return { redirect, answer: await fetchRaw(location), node }
    }

    /** A usage report signed with a node's own key (read from its data dir), as its outbox would send it. */
    async function signedUsage(nodeIndex: number, lines: readonly { ticketId: string; bytes: bigint; token?: string }[]): Promise<unknown> {
      const node = nodes[nodeIndex]
      const nodeDir = nodeDirs[nodeIndex]
      assert.ok(node && nodeDir !== undefined)
      const key = createPrivateKey(await readFile(join(nodeDir, 'node-key.pem'), 'utf8'))
      return signEnvelope('usage-report', key, {
        batchId: newUsageBatchId(),
        nodeId: node.nodeId,
        createdAt: Date.now(),
        lines: lines.map((line) => ({ ticketId: line.ticketId, zone: 'e2e', bytes: String(line.bytes), ticket: line.token ?? 'bm90LWEtdGlja2V0.AAAA.AAAA' })),
      })
    }

    /** A fresh ticket from the redirector, not used: its nonce and the node it names. */
    async function issueTicket(path: string): Promise<{ nonce: string; nodeIndex: number; token: string }> {
      const redirect = await fetchRaw(zoneUrl(path))
      assert.equal(redirect.status, 302)
      const location = new URL(String(redirect.headers.location))
      const nodeIndex = nodes.findIndex((node) => location.href.startsWith(`${node.url}/`))
      const token = location.searchParams.get('mt') ?? ''
      const payload: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'))
      return { nonce: String(field(payload, 'nonce')), nodeIndex, token }
    }

    before(async () => {
      if (backend.failReason !== undefined) assert.fail(backend.failReason)
      dir = await mkdtemp(join(tmpdir(), 'meson-e2e-'))
      origin = createServer((request, response) => {
        const path = request.url ?? ''
        // HEADs are the coordinator learning object sizes (usage plausibility, ADR 0012);
        // /big.bin is only ever reported, never fetched: a 1 GiB object by its size.
        if (request.method === 'HEAD') {
          response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(path === '/big.bin' ? 2 ** 30 : FILE.length) }).end()
          return
        }
        originHits.set(path, (originHits.get(path) ?? 0) + 1)
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(FILE.length), 'cache-control': 'public, max-age=3600' })
        response.end(FILE)
      })
      await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
      originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}`

      const parsed = parseConfig({
        flags: { port: '0', dataDir: join(dir, 'coordinator'), adminToken: ADMIN_TOKEN, allowSharedIp: true, heartbeatIntervalMs: '1000', usageFlushMs: '50', operatorSharePercent: String(OPERATOR_SHARE_PERCENT), logLevel: 'silent' },
      })
      assert.ok(parsed.ok)
      testStore = backend.name === 'PostgreSQL' ? await backend.open() : undefined
      coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), ...(testStore === undefined ? {} : { stores: testStore.stores }) })

      const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'e2e-operator', role: 'operator' } })
      const buyer = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'e2e-buyer', role: 'buyer' } })
      operatorId = String(field(operator.body, 'account', 'id'))
      operatorToken = String(field(operator.body, 'token'))
      buyerId = String(field(buyer.body, 'account', 'id'))
      buyerToken = String(field(buyer.body, 'token'))
      assert.equal((await api('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: buyerId, amount: String(CREDIT) } })).status, 201)
      const zone = await api('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'e2e', origin: originUrl, pricePerGiB: String(PRICE_PER_GIB) } })
      assert.equal(zone.status, 201, JSON.stringify(zone.body))

      for (let index = 0; index < NODE_COUNT; index++) {
        const nodeDir = join(dir, `node-${String(index)}`)
        const loaded = loadNodeModeConfig({
          env: {},
          flags: { coordinatorUrl: coordinator.url, operatorToken, host: '127.0.0.1', port: '0', dataDir: nodeDir, heartbeatIntervalMs: '1000', usageFlushIntervalMs: '200', shutdownGraceMs: '2000' },
        })
        assert.equal(loaded.mode, 'coordinator')
        const node = await startCoordinatorNode(loaded.config)
        nodes.push(node)
        nodeDirs.push(nodeDir)
        const outcome = await node.registered
        assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message)
      }
      // The redirector's fleet view follows registrations within a fraction of a second.
      await until(() => fetchRaw(zoneUrl('/warm-up')), (answer) => answer.status === 302, 'a first redirect to a node')
    })

    after(async () => {
      for (const node of nodes) await node.stop()
      await coordinator.close()
      await testStore?.dispose()
      await new Promise<void>((resolve) => origin.close(() => resolve()))
      await rm(dir, { recursive: true, force: true })
    })

    let servedBytes = 0n

    it('redirects to a node that serves the origin\'s bytes, then the same object as a HIT: the origin sees one request', async () => {
      const first = await getThroughCdn('/file.bin')
      assert.equal(first.answer.status, 200)
      assert.deepEqual(first.answer.body, FILE)
      assert.match(String(first.answer.headers['cache-status']), /fwd=/)
      const second = await getThroughCdn('/file.bin')
      assert.equal(second.node.nodeId, first.node.nodeId, 'content affinity: the same object goes to the same node')
      assert.equal(second.answer.status, 200)
      assert.deepEqual(second.answer.body, FILE)
      assert.match(String(second.answer.headers['cache-status']), /; hit/)
      assert.equal(originHits.get('/file.bin'), 1)
      servedBytes = BigInt(first.answer.body.length + second.answer.body.length)
    })

    it('charges the buyer exactly costOfBytes(bytes, price) and credits the operator exactly its share, once the node\'s usage is applied', async () => {
      const usage = await until(
        async () => api('GET', `${coordinator.url}/v1/usage?zone=e2e&granularity=hour`, { token: buyerToken }),
        (answer) => {
          const rows = field(answer.body, 'rows')
          return Array.isArray(rows) && rows.reduce((sum: bigint, row: unknown) => sum + BigInt(String(field(row, 'bytes'))), 0n) === servedBytes
        },
        'the usage of both transfers in GET /v1/usage',
      )
      assert.equal(usage.status, 200)
      // #14: the node counted one request per transfer, and the ticket's client (loopback) is 'local'.
      const rows = field(usage.body, 'rows')
      assert.ok(Array.isArray(rows))
      assert.equal(rows.reduce((sum: number, row: unknown) => sum + Number(field(row, 'requests')), 0), 2)
      const countries = rows.flatMap((row: unknown): unknown[] => {
        const byCountry: unknown = field(row, 'byCountry')
        return Array.isArray(byCountry) ? byCountry.map((entry: unknown) => entry) : []
      })
      assert.deepEqual([...new Set(countries.map((entry: unknown) => field(entry, 'country')))], ['local'])
      assert.equal(countries.reduce((sum: bigint, entry: unknown) => sum + BigInt(String(field(entry, 'bytes'))), 0n), servedBytes)
      const cost = costOfBytes(servedBytes, PRICE_PER_GIB)
      assert.equal(cost, servedBytes * 10n ** 9n)
      assert.equal(await buyerBalance(), CREDIT - cost)
      assert.equal(await operatorPending(), (cost * OPERATOR_SHARE_PERCENT) / 100n)
    })

    it('sends a forged ticket on the node back to the redirector, never to the origin', async () => {
      const node = nodes[0]
      assert.ok(node)
      const before = originHits.get('/forged.bin') ?? 0
      // Tagged under a master secret the network never had.
      const forgedTicket = encodeTicket({ nodeKey: new TicketMacKey(randomBytes(32)), coordinatorKey: new TicketMacKey(randomBytes(32)) }, {
        v: 3, kid: 'k1', zone: 'e2e', path: '/forged.bin', prefix: false, nodeId: node.nodeId, client: '127.0.0.1',
        issuedAt: Date.now(), expiresAt: Date.now() + 60_000, byteBudget: 2n ** 30n, nonce: 'forgedforgedforgedfo', origin: originUrl,
      })
      const answer = await fetchRaw(`${node.url}/z/e2e/forged.bin?mt=${forgedTicket}`)
      assert.equal(answer.status, 302)
      assert.equal(answer.headers.location, zoneUrl('/forged.bin'))
      assert.equal(answer.body.length, 0)
      assert.equal(originHits.get('/forged.bin') ?? 0, before)
    })

    it('applies a usage batch once: the replay gets 409 USAGE_BATCH_DUPLICATE and charges nothing', async () => {
      const ticket = await issueTicket('/replay.bin')
      const report = await signedUsage(ticket.nodeIndex, [{ ticketId: ticket.nonce, bytes: 1000n, token: ticket.token }])
      const balanceBefore = await buyerBalance()
      const first = await api('POST', `${coordinator.url}/v1/nodes/usage`, { json: report })
      assert.equal(first.status, 200, JSON.stringify(first.body))
      assert.equal(field(first.body, 'acceptedBytes'), '1000')
      assert.equal(await buyerBalance(), balanceBefore - costOfBytes(1000n, PRICE_PER_GIB))
      const replay = await api('POST', `${coordinator.url}/v1/nodes/usage`, { json: report })
      assert.equal(replay.status, 409)
      assert.equal(field(replay.body, 'error', 'code'), 'USAGE_BATCH_DUPLICATE')
      assert.equal(await buyerBalance(), balanceBefore - costOfBytes(1000n, PRICE_PER_GIB))
    })

    it('refuses usage for a ticket the coordinator never issued, and shows the count on the operator\'s node', async () => {
      const nodeId = nodes[0]?.nodeId
      assert.ok(nodeId !== undefined)
      const rejectedOf = async (): Promise<number> => {
        const listed = await api('GET', `${coordinator.url}/v1/nodes`, { token: operatorToken })
        assert.equal(listed.status, 200, JSON.stringify(listed.body))
        const entries = field(listed.body, 'nodes')
        assert.ok(Array.isArray(entries))
        const mine: unknown = entries.find((entry: unknown) => field(entry, 'nodeId') === nodeId)
        return Number(field(mine, 'rejectedUsageLines', 'forged-ticket'))
      }
      const before = await rejectedOf()
      const balanceBefore = await buyerBalance()
      const report = await signedUsage(0, [{ ticketId: 'tn_neverissuedbythiscoordinator', bytes: 5000n }])
      const answer = await api('POST', `${coordinator.url}/v1/nodes/usage`, { json: report })
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(field(answer.body, 'acceptedBytes'), '0')
      assert.equal(await buyerBalance(), balanceBefore, 'nothing charged for a ticket no coordinator tagged')
      assert.equal(await rejectedOf(), before + 1)
    })

    it('purges the object on every live node: the next request reaches the origin again', async () => {
      const purge = await api('POST', `${coordinator.url}/v1/zones/e2e/purge`, { token: buyerToken, json: { urls: ['/file.bin'] } })
      assert.equal(purge.status, 202, JSON.stringify(purge.body))
      assert.equal(field(purge.body, 'nodes'), NODE_COUNT)
      const purgeId = String(field(purge.body, 'purgeId'))
      const status = await until(() => api('GET', `${coordinator.url}/v1/purges/${purgeId}?waitMs=5000`, { token: buyerToken }), (answer) => field(answer.body, 'status') === 'complete', 'the purge acknowledged by every node')
      assert.equal(status.status, 200)
      const again = await getThroughCdn('/file.bin')
      assert.deepEqual(again.answer.body, FILE)
      assert.equal(originHits.get('/file.bin'), 2)
    })

    it('answers 402 once the buyer\'s credit is spent, and redirects again after a top-up', async () => {
      // A node reports a 1 GiB object (about 1.07 MSN at this price): more than the credit left.
      const ticket = await issueTicket('/big.bin')
      const report = await signedUsage(ticket.nodeIndex, [{ ticketId: ticket.nonce, bytes: 2n ** 30n, token: ticket.token }])
      const applied = await api('POST', `${coordinator.url}/v1/nodes/usage`, { json: report })
      assert.equal(applied.status, 200, JSON.stringify(applied.body))
      assert.ok((await buyerBalance()) < 0n, 'charged even below zero: the bytes were served')
      const refused = await fetchRaw(zoneUrl('/file.bin'))
      assert.equal(refused.status, 402)
      assert.equal(field(JSON.parse(refused.body.toString('utf8')), 'error', 'code'), 'PAYMENT_REQUIRED')
      assert.equal((await api('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: buyerId as AccountId, amount: '5 MSN' } })).status, 201)
      assert.equal((await fetchRaw(zoneUrl('/file.bin'))).status, 302)
    })
  })
}
