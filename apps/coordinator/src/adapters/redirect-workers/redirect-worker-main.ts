// A redirect worker process (ADR 0016, fifth session): serves zone requests on the
// redirect port (`SO_REUSEPORT`, shared with the other workers) from a copy of the
// primary's fleet view, zones and object budgets, which the primary pushes over IPC.
// Same decision as the primary (`redirectorOn`); no store, no API. Started by
// `RedirectWorkerPool` with `child_process.fork`; ends when the primary goes away.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { randomUUID } from 'node:crypto'
import { openGeoIpLookup } from '../geoip/open-geoip-lookup.ts'
import { createCountryLookup } from '../../routing/country-lookup.ts'
import type { CountryLookup } from '../../routing/country-lookup.ts'
import { CoordinatorTicketKeys } from '../../tickets/coordinator-ticket-keys.ts'
import { createOriginAgents } from '../http/routes/routing/fetch-from-origin.ts'
import { installRawRedirectConnections } from '../http/routes/routing/raw-redirect-connections.ts'
import type { RawRedirectConnections } from '../http/routes/routing/raw-redirect-connections.ts'
import { redirectorOn } from './redirect-settings.ts'
import { RedirectSnapshot } from './redirect-snapshot.ts'
import { isPrimaryMessage } from './redirect-worker-messages.ts'
import type { WorkerInit, WorkerMessage } from './redirect-worker-messages.ts'

/** As the API server (Fastify's default): longer than most load balancers' idle timeout. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000
/** How often the worker reports its redirect counts to the primary's metrics. */
const COUNTS_INTERVAL_MS = 1_000
const NOT_FOUND_BODY = JSON.stringify({ error: { code: 'NOT_FOUND', message: 'this port serves zone requests only' } })
const INTERNAL_BODY = JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } })

function send(message: WorkerMessage): void {
  process.send?.(message)
}

async function openGeo(): Promise<CountryLookup> {
  try {
    return await openGeoIpLookup()
  } catch {
    // As the primary: without GeoIP, route by health and affinity only.
    return createCountryLookup(() => undefined)
  }
}

async function start(init: WorkerInit): Promise<{ readonly snapshot: RedirectSnapshot; readonly server: Server; readonly raw: RawRedirectConnections | undefined }> {
  const snapshot = new RedirectSnapshot(init.snapshot, init.budgetCapacity)
  const counts = new Map<string, [string, number, number]>()
  const redirector = redirectorOn(init.settings, snapshot, {
    geo: await openGeo(),
    ticketKeys: new CoordinatorTicketKeys(init.ticketKeys),
    now: Date.now,
    originAgents: createOriginAgents(),
    countRedirect: (method, status) => {
      const key = `${method} ${String(status)}`
      const entry = counts.get(key)
      if (entry === undefined) counts.set(key, [method, status, 1])
      else entry[2]++
    },
  })
  setInterval(() => {
    if (counts.size === 0) return
    send({ type: 'counts', counts: [...counts.values()] })
    counts.clear()
  }, COUNTS_INTERVAL_MS).unref()
  const server = createServer({ headersTimeout: init.headersTimeoutMs, connectionsCheckingInterval: 1_000 }, (request, response) => {
    let taken: Promise<void> | undefined
    try {
      taken = redirector.handle(request, response)
    } catch (error) {
      answerInternal(error, response)
      return
    }
    if (taken === undefined) {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(NOT_FOUND_BODY)) })
      response.end(NOT_FOUND_BODY)
    } else taken.catch((error: unknown) => answerInternal(error, response))
  })
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.requestTimeout = 0
  const raw = init.rawConnections ? installRawRedirectConnections(server, { rawRedirect: redirector.rawRedirect, onUnexpectedError: (error) => logUnexpected(error) }) : undefined
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: init.port, host: init.host, reusePort: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return { snapshot, server, raw }
}

function logUnexpected(error: unknown): void {
  // No internals to the client; one line for the operator, with an id (as the API's guard).
  process.stderr.write(`${JSON.stringify({ level: 50, reqId: randomUUID(), route: 'redirect-worker', msg: 'request failed', err: error instanceof Error ? error.message : String(error) })}\n`)
}

function answerInternal(error: unknown, response: import('node:http').ServerResponse): void {
  logUnexpected(error)
  if (response.headersSent) {
    response.destroy()
    return
  }
  response.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(INTERNAL_BODY)) })
  response.end(INTERNAL_BODY)
}

let running: ReturnType<typeof start> | undefined
process.on('message', (message: unknown) => {
  if (!isPrimaryMessage(message)) return
  switch (message.type) {
    case 'init':
      if (running !== undefined) return
      running = start(message.init)
      running.then(
        ({ snapshot }) => send({ type: 'ready', seq: snapshot.seq }),
        (error: unknown) => {
          send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
          process.exit(1)
        },
      )
      return
    case 'update':
      void running?.then(({ snapshot }) => {
        snapshot.apply(message.update)
        send({ type: 'ack', seq: snapshot.seq })
      })
      return
    case 'stop':
      void running?.then(({ server, raw }) => {
        raw?.closeAll()
        server.close(() => process.exit(0))
        server.closeIdleConnections()
      })
      if (running === undefined) process.exit(0)
      return
  }
})
// The primary is gone (crashed or killed): a worker never serves without its updates.
process.on('disconnect', () => process.exit(0))
