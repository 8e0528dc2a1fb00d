import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { RejectionCounters } from './rejection-counters.ts'

/** What metering counts for `/metrics`. */
export interface MeteringMetrics {
  observeBatch(outcome: 'applied' | 'duplicate' | 'refused', acceptedBytes?: bigint): void
}

/**
 * Registers metering's metrics in an instance's registry. Rejected lines are a gauge
 * read from the persisted counters (so they survive restarts), labelled by reason only:
 * per-node counts would be one series per node (see `GET /v1/nodes` for those).
 */
export function registerMeteringMetrics(registry: Registry, rejections: RejectionCounters): MeteringMetrics {
  new Gauge({
    name: 'meson_usage_rejected_lines',
    help: 'Usage report lines rejected since the database was created, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      for (const [reason, lines] of Object.entries(rejections.totalsByReason())) this.set({ reason }, lines)
    },
  })
  const batches = new Counter({ name: 'meson_usage_batches_total', help: 'Usage batches received, by outcome', labelNames: ['outcome'] as const, registers: [registry] })
  const bytes = new Counter({ name: 'meson_usage_accepted_bytes_total', help: 'Bytes accepted from usage reports (and charged)', registers: [registry] })
  return {
    observeBatch(outcome, acceptedBytes) {
      batches.inc({ outcome })
      // A float counter is fine for a metric; billing uses the exact bigint ledger.
      if (acceptedBytes !== undefined && acceptedBytes > 0n) bytes.inc(Number(acceptedBytes))
    },
  }
}
