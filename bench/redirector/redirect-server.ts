// A throwaway redirector HTTP server for the benchmark: node:http in front of the
// redirector core, with real GeoIP and real ed25519 tickets. The real server lives in
// the coordinator's HTTP adapter; this one only has to be honest about the hot path.
// Run: node bench/redirector/redirect-server.ts --port <port> [--nodes 1000] [--unsigned]
// (--unsigned puts a fixed placeholder in `mt`, to show what signing costs over HTTP).
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import type { AccountId } from '@meson/protocol'
import { openGeoIpLookup } from '@meson/coordinator'
import { decideRedirect, ZoneDirectory } from '@meson/coordinator/routing'
import { CoordinatorTicketKeys, issueTicket } from '@meson/coordinator/tickets'
import type { DecideRedirectResult } from '@meson/coordinator/routing'
import { buildSimulatedFleet } from './simulated-fleet.ts'

export const BENCH_ZONE = 'bench'
const TICKET_TTL_MS = 10 * 60_000
const BYTE_BUDGET = 1n << 30n

const STATUS_OF: Readonly<Record<Exclude<DecideRedirectResult['kind'], 'redirect'>, number>> = {
  'origin-fallback': 502,
  'zone-unknown': 404,
  'referrer-refused': 403,
  'payment-required': 402,
  'country-blocked': 451,
  'invalid-request': 400,
}

const { values } = parseArgs({ options: { port: { type: 'string' }, nodes: { type: 'string', default: '1000' }, unsigned: { type: 'boolean', default: false } } })
const port = Number(values.port)
const nodeCount = Number(values.nodes)
if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(nodeCount) || nodeCount < 0) {
  process.stderr.write('usage: redirect-server.ts --port <port> [--nodes <count>]\n')
  process.exit(2)
}

/** Stateless MAC tickets (ADR 0016) under a fresh master secret. */
const ticketKeys = new CoordinatorTicketKeys([{ kid: 'k1', secret: randomBytes(32), activeFrom: 0 }])
const geo = await openGeoIpLookup()
// Local nodes: the bench client is on loopback, so it is a 'local' client (the demo network).
const fleet = buildSimulatedFleet({ nodeCount, placement: 'local', publicUrl: 'http://127.0.0.1:1' })
const zones = new ZoneDirectory([
  { name: BENCH_ZONE, origin: 'http://127.0.0.1:1', pricePerGiB: 1n, accountId: 'acc_benchbenchbenchbench' as AccountId, hasBalance: true },
])

function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/'
  if (url === '/ready') {
    response.writeHead(204).end()
    return
  }
  // /z/<zone><path>[?query]
  const queryStart = url.indexOf('?')
  const target = queryStart === -1 ? url : url.slice(0, queryStart)
  const zoneEnd = target.indexOf('/', 3)
  if (!target.startsWith('/z/') || zoneEnd === -1) {
    response.writeHead(404, { 'content-length': '0' }).end()
    return
  }
  const result = decideRedirect({
    zone: target.slice(3, zoneEnd),
    path: target.slice(zoneEnd),
    ...(queryStart === -1 ? {} : { query: url.slice(queryStart + 1) }),
    clientIp: request.socket.remoteAddress ?? '',
    now: Date.now(),
    fleet: fleet.snapshot(),
    zones,
    geo,
    ticketTtlMs: TICKET_TTL_MS,
    byteBudget: BYTE_BUDGET,
    sign: values.unsigned ? () => 'unsigned' : (claims) => issueTicket(ticketKeys, claims),
  })
  if (result.kind === 'redirect') response.writeHead(302, { location: result.location, 'content-length': '0' }).end()
  else response.writeHead(STATUS_OF[result.kind], { 'content-length': '0' }).end()
}

const server = createServer({ keepAliveTimeout: 65_000 }, answer)
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening on 127.0.0.1:${port}\n`))
const stop = (): void => {
  server.close()
  server.closeAllConnections()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
