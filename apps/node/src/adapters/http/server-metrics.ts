import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

/** The cache server's Prometheus counters, in a registry of its own (no global state). */
export interface ServerMetrics {
  readonly registry: Registry
  readonly hits: Counter
  readonly misses: Counter
  readonly staleServed: Counter
  readonly revalidations: Counter
  readonly originErrors: Counter
  readonly bytesServed: Counter
  readonly collapsedWaiters: Counter
  readonly purgedObjects: Counter
}

/** Creates the counters. Each is label-free, so an increment is one addition on the hot path. */
export function createServerMetrics(options: { readonly collectProcessMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry()
  const counter = (name: string, help: string): Counter => new Counter({ name, help, registers: [registry] })
  const metrics: ServerMetrics = {
    registry,
    hits: counter('meson_node_cache_hits_total', 'Requests served from the cache without contacting the origin.'),
    misses: counter('meson_node_cache_misses_total', 'Requests the cache could not answer and forwarded to the origin.'),
    staleServed: counter('meson_node_cache_stale_served_total', 'Stale responses served (stale-while-revalidate or stale-if-error).'),
    revalidations: counter('meson_node_cache_revalidations_total', 'Conditional requests sent to the origin to validate a stored response.'),
    originErrors: counter('meson_node_origin_errors_total', 'Origin exchanges that failed (unreachable, reset, timeout, malformed).'),
    bytesServed: counter('meson_node_bytes_served_total', 'Response body bytes sent to clients.'),
    collapsedWaiters: counter('meson_node_collapsed_waiters_total', 'Requests that waited on another request\'s origin fetch instead of making their own.'),
    purgedObjects: counter('meson_node_purged_objects_total', 'Stored objects removed by purge requests.'),
  }
  if (options.collectProcessMetrics === true) collectDefaultMetrics({ register: registry })
  return metrics
}

/** Registers a gauge whose value is read from the store at scrape time (no hot-path cost). */
export function registerCollectedGauge(metrics: ServerMetrics, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [metrics.registry],
    collect() {
      this.set(read())
    },
  })
}
