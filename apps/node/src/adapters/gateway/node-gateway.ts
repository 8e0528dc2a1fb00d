import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import type { BlockCache } from '../../gateway/block-source.ts'
import { EMPTY_DENYLIST } from '../../gateway/denylist.ts'
import type { Denylist } from '../../gateway/denylist.ts'
import { IPFS_PATH_PREFIX, IPNS_PATH_PREFIX } from '../../gateway/gateway-request.ts'
import { DEFAULT_PREFETCH_WINDOW } from '../../gateway/prefetch-blocks.ts'
import { VerifiedBlockFetcher } from '../../gateway/verified-block-fetcher.ts'
import type { CacheStore } from '../../cdn/store/cache-store.ts'
import { createCacheStoreBlockCache } from './cache-store-block-cache.ts'
import type { GatewayContext } from './gateway-context.ts'
import { createGatewayMetrics } from './gateway-metrics.ts'
import type { GatewayMetrics } from './gateway-metrics.ts'
import { serveGatewayRequest } from './serve-gateway-request.ts'
import { createUpstreamHttpClient } from './upstream-http-client.ts'
import type { FetchFunction } from './upstream-http-client.ts'

/** Settings of the node's IPFS gateway. */
export interface NodeGatewaySettings {
  /** Upstream trustless gateways of standalone `/ipfs/` (zones bring their own). */
  readonly upstreams: readonly string[]
  readonly upstreamTimeoutMs: number
  readonly firstBlockTimeoutMs: number
  readonly badUpstreamCooldownMs: number
  readonly prefetchWindow?: number
}

export interface NodeGatewayParameters {
  readonly store: CacheStore
  readonly registry: Registry
  readonly settings: NodeGatewaySettings
  readonly nowMs: () => number
  readonly fetchFunction?: FetchFunction
  readonly denylist?: Denylist
}

/** Fetchers kept at most (one per distinct upstream list; zones come and go). */
const MAX_FETCHERS = 256

/**
 * The node's IPFS gateway: one verified block cache over the node's store, shared by
 * standalone `/ipfs/` and every gateway zone, a verified fetcher per upstream list (so
 * one zone's lying upstream is dropped for that list only), metrics and the denylist.
 */
export class NodeGateway {
  readonly #parameters: NodeGatewayParameters
  readonly #cache: BlockCache
  readonly #metrics: GatewayMetrics
  readonly #fetchers = new Map<string, VerifiedBlockFetcher>()
  #denylist: Denylist

  constructor(parameters: NodeGatewayParameters) {
    this.#parameters = parameters
    this.#cache = createCacheStoreBlockCache(parameters.store, parameters.nowMs)
    this.#metrics = createGatewayMetrics(parameters.registry)
    this.#denylist = parameters.denylist ?? EMPTY_DENYLIST
  }

  /** Replaces the denylist (from a file at start, or pushed by the coordinator). */
  setDenylist(denylist: Denylist): void {
    this.#denylist = denylist
  }

  /** The verified fetcher for an upstream list (created on first use). */
  fetcherFor(upstreams: readonly string[]): VerifiedBlockFetcher {
    const key = upstreams.join('\n')
    const existing = this.#fetchers.get(key)
    if (existing !== undefined) return existing
    const { settings, nowMs, fetchFunction } = this.#parameters
    const fetcher = new VerifiedBlockFetcher({
      cache: this.#cache,
      upstreams,
      client: createUpstreamHttpClient(fetchFunction),
      upstreamTimeoutMs: settings.upstreamTimeoutMs,
      badUpstreamCooldownMs: settings.badUpstreamCooldownMs,
      nowMs,
      observer: this.#metrics.observer,
    })
    this.#fetchers.set(key, fetcher)
    if (this.#fetchers.size > MAX_FETCHERS) {
      const oldest = this.#fetchers.keys().next()
      if (oldest.done !== true) this.#fetchers.delete(oldest.value)
    }
    return fetcher
  }

  /** The serving context for an upstream list. */
  contextFor(upstreams: readonly string[]): GatewayContext {
    return {
      source: this.fetcherFor(upstreams),
      denylist: () => this.#denylist,
      prefetchWindow: this.#parameters.settings.prefetchWindow ?? DEFAULT_PREFETCH_WINDOW,
      firstBlockTimeoutMs: this.#parameters.settings.firstBlockTimeoutMs,
      onAnswered: this.#metrics.onAnswered,
    }
  }

  /** Serves `target` (`/ipfs/...`) from `upstreams`; never rejects. */
  serve(req: IncomingMessage, res: ServerResponse, target: string, upstreams: readonly string[]): void {
    void serveGatewayRequest(this.contextFor(upstreams), req, res, target)
  }

  /**
   * A route for the node's main server: `/ipfs/*` from the configured upstreams, `/ipns/*`
   * answered with the gateway's clear 501 (not resolved here), everything else passed on.
   */
  route(): (req: IncomingMessage, res: ServerResponse) => boolean {
    return (req, res) => {
      const url = req.url ?? '/'
      if (!url.startsWith(IPFS_PATH_PREFIX) && !url.startsWith(IPNS_PATH_PREFIX)) return false
      this.serve(req, res, url, this.#parameters.settings.upstreams)
      return true
    }
  }
}
