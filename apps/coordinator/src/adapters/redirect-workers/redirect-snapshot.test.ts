import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deserialize, serialize } from 'node:v8'
import type { AccountId } from '@meson/protocol'
import { ObjectBudgets } from '../../metering/object-budgets.ts'
import { createStaticCountryLookup } from '../../routing/country-lookup.ts'
import { buildFleetView } from '../../routing/fleet-view.ts'
import { ZoneDirectory } from '../../routing/zone-directory.ts'
import type { ZoneEntry } from '../../routing/zone-directory.ts'
import { testNode } from '../../testing/test-fleet.ts'
import { testTicketMaster } from '../../testing/test-ticket-keys.ts'
import { CoordinatorTicketKeys } from '../../tickets/coordinator-ticket-keys.ts'
import { createOriginAgents } from '../http/routes/routing/fetch-from-origin.ts'
import { parsePlainRedirectHead } from '../http/routes/routing/plain-redirect-head.ts'
import { redirectorOn } from './redirect-settings.ts'
import type { RedirectSettings, RedirectSources } from './redirect-settings.ts'
import { RedirectSnapshot } from './redirect-snapshot.ts'
import type { SnapshotUpdate } from './redirect-worker-messages.ts'

const NOW = 1_700_000_000_000
const masters = [testTicketMaster('k1', 0), testTicketMaster('k2', NOW - 1)]
const settings: RedirectSettings = { trustProxy: true, ticketTtlMs: 600_000, ticketByteBudget: 1n << 30n, ticketBudgetResponses: 2, originTimeoutMs: 2_000, ownHosts: ['localhost', 'coordinator.example'] }
const account = 'acc_aaaaaaaaaaaaaaaaaaaa' as AccountId
const zoneEntries: ZoneEntry[] = [
  { id: 'zon_aaaaaaaaaaaaaaaaaaaa', name: 'site', origin: 'http://origin.example', pricePerGiB: 7n, accountId: account, hasBalance: true, customDomains: ['cdn.example.com'], allowedReferrers: ['good.example'], blockedCountries: ['fr'] },
  { name: 'broke', origin: 'http://origin.example', pricePerGiB: 1n, accountId: account, hasBalance: false },
  { name: 'ipfs', origin: 'https://ipfs.example', pricePerGiB: 1n, accountId: account, hasBalance: true, type: 'ipfs', upstreams: ['https://gw1.example', 'https://gw2.example'] },
]
const fleetNodes = [
  ...['DE', 'FR', 'US', 'JP'].flatMap((country, index) => Array.from({ length: 5 }, (_, n) => testNode(`${country}-${String(n)}`, { country, continent: ['EU', 'EU', 'NA', 'AS'][index] ?? 'EU', weight: 1 + n, load: n / 10 }))),
  testNode('overloaded', { country: 'DE', continent: 'EU', load: 0.99 }),
  testNode('local', { publicUrl: 'http://127.0.0.2:8080', country: 'local', continent: 'local' }),
]
const geo = createStaticCountryLookup({ '203.0.113.5': { country: 'DE', continent: 'EU' }, '198.51.100.7': { country: 'US', continent: 'NA' }, '192.0.2.9': { country: 'FR', continent: 'EU' } })

/** A redirector on `sources` with a fixed clock and the same nonce sequence as every other. */
function redirectorFor(sources: RedirectSources, keys: CoordinatorTicketKeys): ReturnType<typeof redirectorOn> {
  let nonce = 0
  return redirectorOn(settings, sources, { geo, ticketKeys: keys, now: () => NOW, originAgents: createOriginAgents(), countRedirect: () => undefined, newNonce: () => `tn_${String(nonce++).padStart(20, 'a')}` })
}

/** What crosses the IPC channel (`serialization: 'advanced'` is V8's structured clone). */
function overIpc<T>(value: T): T {
  return deserialize(serialize(value)) as T
}

function head(target: string, fields: Record<string, string> = {}): ReturnType<typeof parsePlainRedirectHead> {
  const lines = Object.entries({ Host: 'coordinator.example', ...fields }).map(([name, value]) => `${name}: ${value}\r\n`)
  return parsePlainRedirectHead(Buffer.from(`GET ${target} HTTP/1.1\r\n${lines.join('')}\r\n`, 'latin1'), 0)
}

const requests: { readonly target: string; readonly fields?: Record<string, string>; readonly peer: string }[] = [
  ...Array.from({ length: 40 }, (_, index) => ({ target: `/z/site/obj/${String(index)}.bin`, peer: ['203.0.113.5', '198.51.100.7', '127.0.0.1', '10.1.2.3'][index % 4] ?? '' })),
  { target: '/z/site/measured.bin', peer: '203.0.113.5' },
  { target: '/z/site/a.bin?x=1&mt=old', peer: '198.51.100.7' },
  { target: '/z/site/a.bin', peer: '192.0.2.9' },
  { target: '/z/site/a.bin', fields: { Referer: 'https://good.example/page' }, peer: '203.0.113.5' },
  { target: '/z/site/a.bin', fields: { Referer: 'https://evil.example/page' }, peer: '203.0.113.5' },
  { target: '/z/site/a.bin', fields: { 'X-Forwarded-For': '1.1.1.1, 198.51.100.7' }, peer: '127.0.0.1' },
  { target: '/any/path.js', fields: { Host: 'CDN.example.com:443' }, peer: '203.0.113.5' },
  { target: '/z/broke/a.bin', peer: '203.0.113.5' },
  { target: '/z/ipfs/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', peer: '203.0.113.5' },
  { target: '/z/nothere/a.bin', peer: '203.0.113.5' },
  { target: '/z/site/%2e%2e/etc', peer: '203.0.113.5' },
  { target: '/v1/zones', peer: '203.0.113.5' },
]

/** Every request's answer (a Location, or undefined when node:http would answer it). */
function answers(redirector: ReturnType<typeof redirectorOn>): (string | undefined)[] {
  return requests.map((request) => {
    const parsed = head(request.target, request.fields)
    if (parsed.kind !== 'plain') throw new assert.AssertionError({ message: `${request.target} is not a plain head` })
    return redirector.rawRedirect(parsed, request.peer)
  })
}

describe('a redirect worker decides as the primary (ADR 0016, fifth session)', () => {
  // The primary's sources, as main.ts wires them.
  const budgets = new ObjectBudgets(100)
  budgets.record('site', '/measured.bin', 1234n)
  const primary: RedirectSources = { fleetView: () => buildFleetView(fleetNodes), zones: () => new ZoneDirectory(zoneEntries), perResponseBytes: (zone, path) => budgets.perResponseBytes(zone, path) }
  const primaryZones = primary.zones()

  it('gives the same answers, ticket bytes included, from a snapshot sent over IPC', () => {
    const snapshot = new RedirectSnapshot(overIpc<SnapshotUpdate>({ seq: 1, fleet: { upserts: fleetNodes, removals: [] }, zones: primaryZones.entries(), budgets: budgets.entries() }), budgets.capacity)
    const expected = answers(redirectorFor(primary, new CoordinatorTicketKeys(masters)))
    const actual = answers(redirectorFor(snapshot, new CoordinatorTicketKeys(overIpc(masters))))
    assert.deepEqual(actual, expected)
    // The table covers redirects and every kind of refusal, and the measured object's budget.
    assert.ok(expected.filter((location) => location !== undefined).length >= 40)
    assert.ok(expected.filter((location) => location === undefined).length >= 5)
    assert.ok(expected.some((location) => location?.includes('/measured.bin?mt=')))
  })

  it('follows updates: a zone, a node and a budget change give the answers the primary gives after them', () => {
    const snapshot = new RedirectSnapshot(overIpc<SnapshotUpdate>({ seq: 1, fleet: { upserts: fleetNodes, removals: [] }, zones: primaryZones.entries(), budgets: budgets.entries() }), budgets.capacity)
    // Germany's nodes leave, Japan's first node gets busy, a node joins.
    const joined = testNode('joined', { country: 'US', continent: 'NA', weight: 9 })
    const busy = fleetNodes.find((node) => node.country === 'JP')
    assert.ok(busy !== undefined)
    const changedNodes = [...fleetNodes.filter((node) => node.country !== 'DE').map((node) => (node === busy ? { ...node, load: 0.97 } : node)), joined]
    const removals = fleetNodes.filter((node) => node.country === 'DE').map((node) => node.nodeId)
    const changedZones = zoneEntries.map((entry) => (entry.name === 'broke' ? { ...entry, hasBalance: true } : entry)).filter((entry) => entry.name !== 'ipfs')
    const changedBudgets = new ObjectBudgets(100)
    for (const [zone, path, bytes] of budgets.entries()) changedBudgets.record(zone, path, bytes)
    changedBudgets.record('site', '/obj/3.bin', 99n)
    snapshot.apply(overIpc<SnapshotUpdate>({ seq: 2, fleet: { upserts: [{ ...busy, load: 0.97 }, joined], removals }, zones: changedZones, budgets: [['site', '/obj/3.bin', 99n]] }))
    assert.equal(snapshot.seq, 2)
    const changed: RedirectSources = { fleetView: () => buildFleetView(changedNodes), zones: () => new ZoneDirectory(changedZones), perResponseBytes: (zone, path) => changedBudgets.perResponseBytes(zone, path) }
    const keys = new CoordinatorTicketKeys(masters)
    assert.deepEqual(answers(redirectorFor(snapshot, keys)), answers(redirectorFor(changed, keys)))
    assert.notDeepEqual(answers(redirectorFor(snapshot, keys)), answers(redirectorFor(primary, keys)))
  })
})
