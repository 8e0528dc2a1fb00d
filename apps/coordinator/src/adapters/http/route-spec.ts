import type { z } from 'zod'
import type { CoordinatorConfig } from '../../config/config.ts'
import type { AdminSecret } from '../../accounts/admin-secret.ts'
import { ApiError } from './api-error.ts'
import { formatZodError } from './format-zod-error.ts'
import type { Account, Store } from '../../store/store.ts'
import type { FleetControl } from '../../fleet/fleet-control.ts'
import type { Metering } from '../../metering/metering.ts'
import type { ProxyAccess } from '../../proxy/proxy-access.ts'
import type { SettlementService } from '../../settlement/settlement-service.ts'
import type { Rewards } from '../../rewards/rewards.ts'
import type { StorageProofs } from '../../probes/storage-proofs.ts'
import type { CountryLookup } from '../../routing/country-lookup.ts'
import type { AuthRequirement, Caller } from './caller.ts'
import type { NetworkEndpoints } from '../../zones/network-endpoints.ts'
import type { DomainVerifier } from '../../zones/domain-verifier.ts'
import type { ZoneStore } from '../../zones/zone-store.ts'

/** What every handler may use; built once per server. */
export interface RouteContext {
  /** Accounts, API tokens and the ledger. */
  readonly store: Store
  /** Zones and their settings (after a change, tell `metering.zonesChanged()`). */
  readonly zones: ZoneStore
  readonly config: CoordinatorConfig
  readonly adminSecret: AdminSecret
  /** Prometheus text of this instance's registry. */
  readonly renderMetrics: () => Promise<{ readonly contentType: string; readonly text: string }>
  readonly openApiDocument: () => unknown
  /** The fleet (node registration, heartbeats, purges). */
  readonly fleet: FleetControl
  /** Metering and billing (usage, balances, the zone directory). */
  readonly metering: Metering
  /** The coordinator's own names and endpoints and the nodes' URLs (issue #9); absent in bare servers. */
  readonly network?: NetworkEndpoints
  /** Custom-domain ownership checks (issue #9); absent in bare servers (domains are then served unverified). */
  readonly domainVerifier?: DomainVerifier
  /** The proxy product (credentials, proxy usage); absent when no proxy gateway runs. */
  readonly proxy?: ProxyAccess
  /** Claims and chain addresses; absent when no chain is configured. */
  readonly settlement?: SettlementService
  /** Epochs, earnings and node scores; absent when not wired. */
  readonly rewards?: Rewards
  /** Proof of storage (fill, confirm, release); absent when storage proofs are off. */
  readonly storage?: StorageProofs
  /** GeoIP, for the explorer's nodes by country; absent when not wired. */
  readonly geo?: CountryLookup
}

/** A handler's answer; `body` is JSON unless `contentType` says otherwise. */
export interface RouteReply {
  readonly status: number
  readonly body?: unknown
  readonly contentType?: string
  /** Extra response headers (lowercase names). */
  readonly headers?: Readonly<Record<string, string>>
}

export interface ResponseSpec {
  readonly description: string
  readonly schema?: z.ZodType
  /** Defaults to application/json. */
  readonly contentType?: string
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined

export interface RouteInput<P, Q, B> {
  readonly params: Parsed<P>
  readonly query: Parsed<Q>
  readonly body: Parsed<B>
  readonly caller: Caller
  /** TCP peer address of the request (no proxy headers are trusted). */
  readonly clientIp: string
  /** Request headers (lowercase names), for content negotiation. */
  readonly headers: RequestHeaders
}

/** Request headers as Node reports them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>

export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Fastify pattern, e.g. `/v1/zones/:name`; also the metrics `route` label. */
  readonly url: string
  readonly summary: string
  readonly auth: AuthRequirement
  readonly params?: P
  readonly query?: Q
  readonly body?: B
  readonly responses: Readonly<Record<number, ResponseSpec>>
  readonly handle: (input: RouteInput<P, Q, B>, context: RouteContext) => Promise<RouteReply>
}

/** A route with its types erased, as the server and the OpenAPI builder see it. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string
  readonly summary: string
  readonly auth: AuthRequirement
  readonly params: z.ZodType | undefined
  readonly query: z.ZodType | undefined
  readonly body: z.ZodType | undefined
  readonly responses: Readonly<Record<number, ResponseSpec>>
  /** Parses the raw parts with the route's schemas, then runs the handler. */
  readonly run: (raw: { params: unknown; query: unknown; body: unknown; caller: Caller; clientIp?: string; headers?: RequestHeaders }, context: RouteContext) => Promise<RouteReply>
}

// When S is a schema the spec holds it, so `undefined` only arrives when S is undefined too.
function parsePart<S extends z.ZodType | undefined>(schema: S | undefined, value: unknown, location: string): Parsed<S>
function parsePart(schema: z.ZodType | undefined, value: unknown, location: string): unknown {
  if (schema === undefined) return undefined
  const result = schema.safeParse(value)
  if (!result.success) throw new ApiError('INVALID_REQUEST', formatZodError(result.error, location))
  return result.data
}

/** Declares a route: its schemas drive both validation and the OpenAPI document. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): Route {
  return {
    method: spec.method,
    url: spec.url,
    summary: spec.summary,
    auth: spec.auth,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    responses: spec.responses,
    run: async (raw, context) => {
      const params = parsePart(spec.params, raw.params, 'params')
      const query = parsePart(spec.query, raw.query, 'query')
      const body = parsePart(spec.body, raw.body, 'body')
      return spec.handle({ params, query, body, caller: raw.caller, clientIp: raw.clientIp ?? '', headers: raw.headers ?? {} }, context)
    },
  }
}

/** The caller's account; the auth hook has already enforced that there is one. */
export function requireAccount(caller: Caller): Account {
  if (caller.kind !== 'account') throw new ApiError('UNAUTHENTICATED', 'this route needs an account token')
  return caller.account
}
