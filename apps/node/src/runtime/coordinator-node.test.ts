import { randomBytes } from 'node:crypto'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair, newCommandId, nodeIdFromPublicKey, publicKeyFromString, signCommand, verifyPayload, TicketMacKey } from '@meson/protocol'
import type { Command } from '@meson/protocol'
import { zoneCacheKey } from '../cdn/zones/zone-cache-key.ts'
import { fetchOnce, startCoordinatorNodeHarness } from '../testing/coordinator-node-fixtures.ts'
import type { CoordinatorNodeHarness } from '../testing/coordinator-node-fixtures.ts'
import { send } from '../testing/cache-server-fixtures.ts'
import { NODE_SOFTWARE_VERSION } from './node-software-version.ts'

const LOGO = Buffer.alloc(5000, 'L')

/** Polls `condition` on the event loop (no sleeping on a clock); fails after many turns. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2000; turn += 1) {
    if (condition()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.fail(`never happened: ${what}`)
}

describe('a node in coordinator mode', () => {
  let harness: CoordinatorNodeHarness
  let zoneUrl: (path: string, query: string) => string

  before(async () => {
    harness = await startCoordinatorNodeHarness({ heartbeatIntervalMs: '1000' })
    harness.origin.route('*', (req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600', 'content-length': String(LOGO.length) })
      res.end(req.method === 'HEAD' ? undefined : LOGO)
    })
    zoneUrl = (path, query) => `${harness.node.url}/z/my-site${path}${query === '' ? '' : `?${query}`}`
  })
  after(() => harness.close())

  it('registers with its version and public URL, and answers the identity callback with a verifiable signature', async () => {
    const registration = harness.fake.registrations[0]
    assert.ok(registration)
    assert.equal(registration.nodeId, harness.node.nodeId)
    assert.equal(registration.version, NODE_SOFTWARE_VERSION)
    assert.equal(registration.publicUrl, harness.node.url)
    assert.equal(harness.fake.requestsTo('/v1/nodes/register')[0]?.authorization, 'Bearer operator-token-1')
    const challenge = 'q9Xb3kT0vU1wY2zA4cD5eF6gH7iJ8kL9mN0pQ1rS2tU'
    const answer = await fetchOnce(`${harness.node.url}/_meson/identity?challenge=${challenge}`)
    assert.equal(answer.status, 200)
    const proof = JSON.parse(answer.body.toString()) as { nodeId: string; signature: string }
    assert.equal(proof.nodeId, harness.node.nodeId)
    const publicKey = publicKeyFromString(registration.publicKey)
    assert.ok(publicKey.ok)
    assert.equal(verifyPayload(publicKey.value, { challenge, nodeId: proof.nodeId }, proof.signature, 'registration'), true)
    assert.equal(verifyPayload(publicKey.value, { challenge: `${challenge}x`, nodeId: proof.nodeId }, proof.signature, 'registration'), false)
  })

  for (const [name, query] of [
    ['no challenge', ''],
    ['a short challenge', '?challenge=abc'],
    ['two challenges', '?challenge=aaaaaaaaaaaaaaaaaaaa&challenge=bbbbbbbbbbbbbbbbbbbb'],
    ['a challenge with other characters', '?challenge=%7B%22nodeId%22%3A%22x%22%7D%7B%7D%7B%7D%7B%7D'],
    ['an over-long challenge', `?challenge=${'a'.repeat(257)}`],
  ] as const) {
    it(`answers 400 to the identity callback with ${name}`, async () => {
      assert.equal((await fetchOnce(`${harness.node.url}/_meson/identity${query}`)).status, 400)
    })
  }

  it('serves a valid ticket with the origin\'s bytes, then from the cache for another ticket, and never forwards mt', async () => {
    const first = await fetchOnce(zoneUrl('/img/logo.png', `v=1&mt=${harness.ticket('/img/logo.png')}`))
    assert.equal(first.status, 200)
    assert.deepEqual(first.body, LOGO)
    const second = await fetchOnce(zoneUrl('/img/logo.png', `mt=${harness.ticket('/img/logo.png')}&v=1`))
    assert.equal(second.status, 200)
    assert.deepEqual(second.body, LOGO)
    // "v=1&mt=…" and "mt=…&v=1" are one object "?v=1": mt is neither key nor forwarded.
    assert.match(String(second.headers['cache-status']), /hit/)
    assert.deepEqual([...harness.origin.counts.keys()], ['/img/logo.png?v=1'])
    assert.equal(harness.origin.count('/img/logo.png?v=1'), 1)
    assert.equal(harness.node.store.lookup(zoneCacheKey('my-site', '/img/logo.png?v=1')).length, 1)
  })

  it('reports the bytes written per ticket in a signed usage batch the coordinator accepts (HEAD counts 0)', async () => {
    const tickets = [harness.ticket('/usage.bin'), harness.ticket('/usage.bin'), harness.ticket('/usage.bin')]
    const [a = '', b = '', head = ''] = tickets
    const before = harness.node.outbox.unsealedBytes
    assert.equal((await fetchOnce(zoneUrl('/usage.bin', `mt=${a}`))).status, 200)
    assert.equal((await fetchOnce(zoneUrl('/usage.bin', `mt=${b}`))).status, 200)
    assert.equal((await fetchOnce(zoneUrl('/usage.bin', `mt=${b}`))).status, 200)
    assert.equal((await fetchOnce(zoneUrl('/usage.bin', `mt=${head}`), 'HEAD')).status, 200)
    await eventually(() => harness.node.outbox.unsealedBytes - before === 3n * BigInt(LOGO.length), 'three bodies metered')
    const acknowledged = once(harness.node.outbox, 'acknowledged')
    await harness.node.outbox.sealNow()
    await acknowledged
    const lines = [...harness.fake.usageBatches.values()].flatMap((batch) => batch.lines)
    const nonceOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { nonce: string }).nonce
    const bytesOf = (token: string) => lines.find((line) => line.ticketId === nonceOf(token))?.bytes
    assert.equal(bytesOf(a), BigInt(LOGO.length))
    assert.equal(bytesOf(b), 2n * BigInt(LOGO.length))
    assert.equal(bytesOf(head), undefined)
  })

  const otherNode = nodeIdFromPublicKey(generateKeyPair().publicKey)
  const bounced: [string, (path: string) => string][] = [
    ['a missing ticket', () => ''],
    ['a forged ticket', (path) => `mt=${harness.ticket(path, {}, { nodeKey: new TicketMacKey(randomBytes(32)), coordinatorKey: new TicketMacKey(randomBytes(32)) })}`],
    ['an expired ticket', (path) => `mt=${harness.ticket(path, { issuedAt: Date.now() - 600_000, expiresAt: Date.now() - 1 })}`],
    ['a ticket for another node', (path) => `mt=${harness.ticket(path, { nodeId: otherNode })}`],
    ["a ticket for another node, tagged with that node's own key", (path) => `mt=${harness.ticket(path, { nodeId: otherNode }, harness.fake.ticketTagKeys(otherNode))}`],
    ['a ticket for another path', (path) => `mt=${harness.ticket(`${path}.other`)}`],
    ['a ticket for another zone', (path) => `mt=${harness.ticket(path, { zone: 'other-site' })}`],
    ['a ticket for another client', (path) => `mt=${harness.ticket(path, { client: '203.0.113.9' })}`],
    ['a ticket whose budget is spent', (path) => `mt=${harness.ticket(path, { byteBudget: '0' })}`],
    ['garbage', () => 'mt=not-a-ticket'],
    ['two tickets', (path) => `mt=${harness.ticket(path)}&mt=${harness.ticket(path)}`],
  ]
  for (const [name, queryFor] of bounced) {
    it(`sends ${name} back to the redirector with 302 and no-store, never contacting the origin`, async () => {
      const path = `/bounce/${name.replaceAll(' ', '-')}.png`
      const answer = await fetchOnce(zoneUrl(path, ['a=1', queryFor(path)].filter((part) => part !== '').join('&')))
      assert.equal(answer.status, 302)
      assert.equal(answer.headers.location, `${harness.fake.url.href.replace(/\/$/, '')}/z/my-site${path}?a=1`)
      assert.equal(answer.headers['cache-control'], 'no-store')
      assert.equal(answer.body.length, 0)
      assert.equal(harness.origin.count(`${path}?a=1`), 0)
    })
  }

  it('binds a ticket to the socket address: a spoofed X-Forwarded-For, X-Real-IP or Forwarded naming the ticket\'s client is bounced', async () => {
    const path = '/bounce/spoofed-client.png'
    const spoofed = '203.0.113.9'
    const url = new URL(zoneUrl(path, `mt=${harness.ticket(path, { client: spoofed })}`))
    const answer = await send(url.origin, url.pathname + url.search, {
      headers: { 'x-forwarded-for': spoofed, 'x-real-ip': spoofed, forwarded: `for=${spoofed}`, 'true-client-ip': spoofed },
    })
    assert.equal(answer.status, 302)
    assert.equal(harness.origin.count(path), 0)
    // The same request without the spoofed ticket client is served: only the binding refused it.
    const honest = new URL(zoneUrl(path, `mt=${harness.ticket(path)}`))
    assert.equal((await send(honest.origin, honest.pathname + honest.search, { headers: { 'x-forwarded-for': spoofed } })).status, 200)
  })

  it('answers 404 outside /z/ (there is no default origin) and 405 for other methods on /z/', async () => {
    assert.equal((await fetchOnce(`${harness.node.url}/img/logo.png`)).status, 404)
    assert.equal((await fetchOnce(zoneUrl('/img/logo.png', `mt=${harness.ticket('/img/logo.png')}`), 'POST')).status, 405)
    assert.equal((await fetchOnce(`${harness.node.url}/_meson/healthz`)).status, 200)
  })

  it('runs a purge command from a heartbeat answer: the next request goes to the origin', async () => {
    const path = '/purge/me.png'
    assert.equal((await fetchOnce(zoneUrl(path, `mt=${harness.ticket(path)}`))).status, 200)
    assert.equal((await fetchOnce(zoneUrl(path, `mt=${harness.ticket(path)}`))).status, 200)
    assert.equal(harness.origin.count(path), 1)
    const nowMs = Date.now()
    const command: Command = { id: newCommandId(), type: 'purge', nodeId: harness.node.nodeId, issuedAt: nowMs, expiresAt: nowMs + 60_000, args: { zone: 'my-site', urls: [path] } }
    harness.fake.queueCommand(signCommand(harness.fake.key.privateKey, command))
    const [settled] = (await once(harness.node.link, 'command-settled')) as [{ command: Command; error: unknown }]
    assert.equal(settled.command.id, command.id)
    assert.equal(settled.error, undefined)
    assert.equal(harness.node.store.lookup(zoneCacheKey('my-site', path)).length, 0)
    assert.equal((await fetchOnce(zoneUrl(path, `mt=${harness.ticket(path)}`))).status, 200)
    assert.equal(harness.origin.count(path), 2)
  })

  it('declares the version of apps/node/package.json', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    assert.equal(NODE_SOFTWARE_VERSION, manifest.version)
  })
})
