import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * A monotonic count kept in a plain number. prom-client's `Counter.inc()` checks its
 * arguments and hashes a label set on every call; on the cache-hit path, which runs tens
 * of thousands of times a second, an addition is all we want to pay. The registry reads
 * the number at scrape time (see `createServerMetrics`).
 */
export interface CountCell {
  /** Adds `amount` (default 1); never negative. */
  inc(amount?: number): void
  readonly value: number
}

class PlainCounter implements CountCell {
  #value = 0

  get value(): number {
    return this.#value
  }

  inc(amount = 1): void {
    this.#value += amount
  }
}

/** The cache server's Prometheus counters, in a registry of its own (no global state). */
export interface ServerMetrics {
  readonly registry: Registry
  readonly hits: CountCell
  readonly misses: CountCell
  readonly staleServed: CountCell
  readonly revalidations: CountCell
  readonly originErrors: CountCell
  readonly bytesServed: CountCell
  readonly collapsedWaiters: CountCell
  readonly purgedObjects: CountCell
}

/** Creates the counters: plain numbers on the hot path, exposed as Prometheus counters through collect callbacks. */
export function createServerMetrics(options: { readonly collectProcessMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry()
  const counter = (name: string, help: string): CountCell => {
    const cell = new PlainCounter()
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        // A label-free counter: reset() leaves it at 0, inc() brings it to the cell's value.
        this.reset()
        this.inc(cell.value)
      },
    })
    return cell
  }
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
