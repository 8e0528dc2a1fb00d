import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import Fastify, { LogController } from 'fastify'
import type { FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { Logger } from 'pino'
import { ApiError } from './api-error.ts'
import type { AdminSecret } from '../../accounts/admin-secret.ts'
import type { CoordinatorConfig } from '../../config/config.ts'
import type { FleetControl } from '../../fleet/fleet-control.ts'
import type { Store } from '../../store/store.ts'
import type { Metering } from '../../metering/metering.ts'
import type { ProxyAccess } from '../../proxy/proxy-access.ts'
import type { SettlementService } from '../../settlement/settlement-service.ts'
import type { Rewards } from '../../rewards/rewards.ts'
import type { StorageProofs } from '../../probes/storage-proofs.ts'
import { API_ROUTES } from './api-routes.ts'
import { authenticate } from './authenticate.ts'
import type { Caller } from './caller.ts'
import { createHttpMetrics } from './http-metrics.ts'
import type { HttpMetrics } from './http-metrics.ts'
import { buildOpenApiDocument } from './openapi-document.ts'
import type { Route, RouteContext } from './route-spec.ts'
import { toErrorReply } from './to-error-reply.ts'
import type { NetworkEndpoints } from '../../zones/network-endpoints.ts'
import type { DomainVerifier } from '../../zones/domain-verifier.ts'
import type { ZoneStore } from '../../zones/zone-store.ts'
import { isDashboardPage, registerDashboard, sendDashboardPage } from './dashboard/serve-dashboard.ts'
import type { CountryLookup } from '../../routing/country-lookup.ts'
import { installRawRedirectConnections } from './routes/routing/raw-redirect-connections.ts'
import type { RawRedirectConnections } from './routes/routing/raw-redirect-connections.ts'
import type { RawRedirect } from './routes/routing/redirect-route.ts'

export interface BuildHttpServerParameters {
  readonly config: CoordinatorConfig
  readonly store: Store
  /** Zones and their settings. */
  readonly zones: ZoneStore
  readonly adminSecret: AdminSecret
  readonly logger: Logger
  /** Version shown in the OpenAPI document. */
  readonly version: string
  readonly routes?: readonly Route[]
  /** The fleet, for the node, purge and redirect routes. */
  readonly fleet: FleetControl
  /** Metering and billing, for the usage routes and the zone directory. */
  readonly metering: Metering
  /** The coordinator's own names and endpoints, and the nodes' URLs (zone origin and domain checks). */
  readonly network?: NetworkEndpoints
  /** Custom-domain ownership proofs. */
  readonly domainVerifier?: DomainVerifier
  /** The proxy product, for the proxy credentials route and proxy usage. */
  readonly proxy?: ProxyAccess
  /** Settlement, for the claim and chain routes. */
  readonly settlement?: SettlementService
  /** Rewards, for the epoch, earnings and node score routes. */
  readonly rewards?: Rewards
  readonly storage?: StorageProofs
  /** The metrics registry `/metrics` renders; other capabilities register theirs in it first. */
  readonly metrics?: HttpMetrics
  /** GeoIP, for the explorer's nodes by country. */
  readonly geo?: CountryLookup
  /**
   * Runs on node:http before Fastify (the redirector's raw route, ADR 0016): returns a
   * promise when it takes the request (a rejection is answered by the same guard as the
   * API: 500 INTERNAL, one log line); undefined hands the request to Fastify.
   */
  readonly handleBeforeFastify?: (request: IncomingMessage, response: ServerResponse) => Promise<void> | undefined
  /**
   * With `handleBeforeFastify`: the redirector's raw connection path, read before node:http
   * (ADR 0016 "redirector at line rate"); plain requests it answers with a 302 never reach
   * node:http. Off when `config.redirectRawConnections` is false.
   */
  readonly rawRedirect?: RawRedirect
}

export interface HttpServer {
  readonly app: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>
  readonly metrics: HttpMetrics
}

/** Answers with `{ error: { code, message } }`; logs only what is our fault, with its request id. */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = toErrorReply(error, request.id)
  if (answer.isUnexpected) request.log.error({ err: error, route: request.routeOptions.url }, 'request failed')
  else if (answer.status >= 500) request.log.warn({ err: error, code: answer.code }, 'request failed')
  else request.log.debug({ code: answer.code, status: answer.status }, 'request refused')
  return reply.status(answer.status).type('application/json; charset=utf-8').send({ error: { code: answer.code, message: answer.message } })
}

/** The API's guard for a request answered before Fastify: 500 with a request id, no internals, one log line. */
function answerUnexpected(error: unknown, response: ServerResponse, logger: Logger): void {
  const requestId = randomUUID()
  const answer = toErrorReply(error, requestId)
  if (answer.isUnexpected) logger.error({ err: error, reqId: requestId, route: 'redirector' }, 'request failed')
  if (response.headersSent) {
    response.destroy()
    return
  }
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message } })
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) })
  response.end(body)
}

/** Fastify's default `keepAliveTimeout` (longer than most load balancers' idle timeout). */
const FASTIFY_KEEP_ALIVE_TIMEOUT_MS = 72_000

/** Builds (does not start) the Fastify server of the coordinator API. */
export function buildHttpServer(parameters: BuildHttpServerParameters): HttpServer {
  const { config, store, adminSecret, logger } = parameters
  const routes = parameters.routes ?? API_ROUTES
  const metrics = parameters.metrics ?? createHttpMetrics()
  const { handleBeforeFastify, rawRedirect } = parameters
  let rawConnections: RawRedirectConnections | undefined
  // Slow headers (slowloris): dropped after headersTimeoutMs, checked every second
  // (Node's default check runs every 30 s, so a 60 s limit held a socket ~63 s).
  const http = { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1_000 }
  const app = Fastify({
    loggerInstance: logger,
    // Per-request logging is off by design (STYLE.md): metrics count requests; logs hold
    // lifecycle events and errors. (`logController` is Fastify 5's non-deprecated form.)
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    http,
    // The redirector answers its requests on node:http itself, without Fastify's per-request
    // work; everything else goes on to Fastify. Fastify skips its server settings for a
    // factory's server, so they are set here as Fastify would (its defaults).
    ...(handleBeforeFastify === undefined
      ? {}
      : {
          serverFactory: (fastifyHandler: (request: IncomingMessage, response: ServerResponse) => void) => {
            const server = createServer(http, (request, response) => {
              let taken: Promise<void> | undefined
              try {
                taken = handleBeforeFastify(request, response)
              } catch (error) {
                answerUnexpected(error, response, logger)
                return
              }
              if (taken === undefined) fastifyHandler(request, response)
              else taken.catch((error: unknown) => answerUnexpected(error, response, logger))
            })
            server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_TIMEOUT_MS
            server.requestTimeout = 0
            if (rawRedirect !== undefined && config.redirectRawConnections) {
              rawConnections = installRawRedirectConnections(server, {
                rawRedirect,
                onUnexpectedError: (error) => logger.error({ err: error, reqId: randomUUID(), route: 'redirector' }, 'request failed'),
              })
            }
            return server
          },
        }),
    genReqId: () => randomUUID(),
    // Ids come from us, never from a client header that could forge log correlation.
    requestIdHeader: false,
    // Refusals raised before routing (bad URL encoding, overlong path parameters).
    frameworkErrors: (error, request, reply) => {
      void sendError(error, request, reply)
    },
  })

  // JSON only: a text/plain body on a JSON route is a client mistake, answered with 415.
  app.removeContentTypeParser('text/plain')

  let openApiDocument: unknown
  const context: RouteContext = {
    store,
    zones: parameters.zones,
    config,
    adminSecret,
    renderMetrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
    openApiDocument: () => (openApiDocument ??= buildOpenApiDocument(routes, { version: parameters.version })),
    fleet: parameters.fleet,
    metering: parameters.metering,
    ...(parameters.network === undefined ? {} : { network: parameters.network }),
    ...(parameters.domainVerifier === undefined ? {} : { domainVerifier: parameters.domainVerifier }),
    ...(parameters.proxy === undefined ? {} : { proxy: parameters.proxy }),
    ...(parameters.settlement === undefined ? {} : { settlement: parameters.settlement }),
    ...(parameters.rewards === undefined ? {} : { rewards: parameters.rewards }),
    ...(parameters.storage === undefined ? {} : { storage: parameters.storage }),
    ...(parameters.geo === undefined ? {} : { geo: parameters.geo }),
  }
  const authDependencies = { adminSecret, findAccountByTokenHash: (hash: string) => store.findAccountByTokenHash(hash) }
  // A WeakMap instead of decorating FastifyRequest keeps types honest without module augmentation.
  const callers = new WeakMap<FastifyRequest, Caller>()

  app.setErrorHandler(sendError)
  // node:http does not know the raw path's idle keep-alive connections: end them before it closes.
  app.addHook('preClose', (done) => {
    rawConnections?.closeAll()
    done()
  })
  const { dashboardDir } = config
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the dashboard (a reload on /zones) get its index.html.
    if (dashboardDir !== undefined && isDashboardPage(request)) return sendDashboardPage(reply)
    const path = request.url.split('?')[0] ?? ''
    const error = new ApiError('NOT_FOUND', `no route ${request.method} ${path.slice(0, 200)}`)
    return reply.status(404).type('application/json; charset=utf-8').send({ error: { code: error.code, message: error.shortMessage } })
  })
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? 'unmatched', statusCode: reply.statusCode }, reply.elapsedTime / 1000)
    done()
  })

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      // Auth runs before the body is read, so strangers cannot make us parse a megabyte.
      onRequest: async (request) => {
        callers.set(request, await authenticate(request.headers.authorization, route.auth, authDependencies))
      },
      handler: async (request, reply) => {
        const caller = callers.get(request) ?? { kind: 'anonymous' }
        const answer = await route.run({ params: request.params, query: request.query, body: request.body, caller, clientIp: request.socket.remoteAddress ?? '', headers: request.headers }, context)
        void reply.status(answer.status)
        if (answer.contentType !== undefined) void reply.type(answer.contentType)
        if (answer.headers !== undefined) void reply.headers(answer.headers)
        return reply.send(answer.body)
      },
    })
  }
  if (dashboardDir !== undefined) registerDashboard(app, dashboardDir)
  return { app, metrics }
}
