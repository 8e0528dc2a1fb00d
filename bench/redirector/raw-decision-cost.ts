// The redirector's per-request JavaScript without sockets: parse one plain request head
// and ask `createRedirector(...).rawRedirect` for the 302's Location (zone, path and query
// checks, client field, GeoIP, node selection, nonce, two HMAC tags, Location), as the raw
// connection path does for each request (ADR 0016). Loopback client, as in the HTTP bench.
// Prints the best and median of 7 batches of 50 000. For a before/after, run it from a
// `git archive` export of the other commit (with this tree's node_modules linked in).
// Run: npx node bench/redirector/raw-decision-cost.ts [nodes]   (default 1000)
import { randomBytes } from 'node:crypto'
import { createOriginAgents, createRedirector, parsePlainRedirectHead } from '@meson/coordinator'
import { buildFleetView, createStaticCountryLookup, ZoneDirectory } from '@meson/coordinator/routing'
import { testNode } from '@meson/coordinator/testing'
import { CoordinatorTicketKeys, issueTicket } from '@meson/coordinator/tickets'
import type { AccountId } from '@meson/protocol'

const nodeCount = Number(process.argv[2] ?? '1000')
const BATCH = 50_000
const keys = new CoordinatorTicketKeys([{ kid: 'k1', secret: randomBytes(32), activeFrom: 0 }])
// Local nodes on 127/8, as the HTTP bench seeds them: a loopback client is routed to them.
const nodes = Array.from({ length: nodeCount }, (_, index) =>
  testNode(`n${String(index)}`, { publicUrl: `http://127.0.${String((index >> 8) & 255)}.${String((index & 255) | 1)}:20000`, country: 'local', continent: 'local' }),
)
const fleet = buildFleetView(nodes)
const zones = new ZoneDirectory([
  { name: 'bench', id: 'zon_abcdefghijklmnopqrst', origin: 'http://127.0.0.1:1', pricePerGiB: 1n, accountId: 'acc_benchbenchbenchbench' as AccountId, hasBalance: true },
])
const originAgents = createOriginAgents()
const redirector = createRedirector({
  fleetView: () => fleet,
  zones: () => zones,
  geo: createStaticCountryLookup({}),
  signTicket: (claims) => issueTicket(keys, claims),
  now: () => Date.now(),
  ticketTtlMs: 600_000,
  ticketByteBudget: 1n << 30n,
  trustProxy: false,
  originTimeoutMs: 1000,
  originAgents,
  ownHosts: new Set(['127.0.0.1']),
  countRedirect: () => undefined,
})
const request = Buffer.from('GET /z/bench/obj/1.bin HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n', 'latin1')
let sink = 0
function run(count: number): void {
  for (let index = 0; index < count; index++) {
    const head = parsePlainRedirectHead(request, 0)
    if (head.kind !== 'plain') throw new Error('the bench request is not plain')
    const location = redirector.rawRedirect(head, '127.0.0.1')
    if (location === undefined) throw new Error('no redirect')
    sink += location.length
  }
}
run(BATCH)
const nsPerCall: number[] = []
for (let batch = 0; batch < 7; batch++) {
  const start = process.hrtime.bigint()
  run(BATCH)
  nsPerCall.push(Number(process.hrtime.bigint() - start) / BATCH)
}
nsPerCall.sort((a, b) => a - b)
originAgents.destroy()
process.stdout.write(`${String(nodeCount)} nodes: best ${(nsPerCall[0] ?? 0).toFixed(0)} ns, median ${(nsPerCall[3] ?? 0).toFixed(0)} ns per redirect decision (head parse + rawRedirect)${sink < 0 ? '!' : ''}\n`)
