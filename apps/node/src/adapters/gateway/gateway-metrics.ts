import { Counter } from 'prom-client'
import type { Registry } from 'prom-client'
import type { FetcherObserver } from '../../gateway/verified-block-fetcher.ts'

/** The gateway's Prometheus counters and the observer that feeds them. */
export interface GatewayMetrics {
  readonly observer: FetcherObserver
  readonly onAnswered: (format: 'raw' | 'car' | 'deserialized', status: number) => void
}

/**
 * Registers the gateway counters in the node's registry (`/_meson/metrics`): blocks
 * fetched and bad blocks per upstream (a bad block is one whose bytes did not hash to
 * its CID; that upstream is dropped for a while), cache hits, answers by format.
 */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const fetched = new Counter({ name: 'meson_node_gateway_blocks_fetched_total', help: 'Blocks fetched from upstream gateways and verified.', labelNames: ['upstream'], registers: [registry] })
  const fetchedBytes = new Counter({ name: 'meson_node_gateway_fetched_bytes_total', help: 'Bytes of verified blocks fetched from upstream gateways.', registers: [registry] })
  const bad = new Counter({ name: 'meson_node_gateway_bad_blocks_total', help: 'Blocks from upstream gateways that failed verification against their CID (dropped; upstream marked bad).', labelNames: ['upstream'], registers: [registry] })
  const hits = new Counter({ name: 'meson_node_gateway_block_cache_hits_total', help: 'Blocks served from the verified block cache.', registers: [registry] })
  const answers = new Counter({ name: 'meson_node_gateway_responses_total', help: 'Gateway answers by format and status (0: a gateway error status).', labelNames: ['format', 'status'], registers: [registry] })
  return {
    observer: {
      cacheHit: () => hits.inc(),
      fetched: (upstream, sizeBytes) => {
        fetched.inc({ upstream: upstreamLabel(upstream) })
        fetchedBytes.inc(sizeBytes)
      },
      badBlock: (upstream) => bad.inc({ upstream: upstreamLabel(upstream) }),
    },
    onAnswered: (format, status) => answers.inc({ format, status: String(status) }),
  }
}

/** The upstream's origin only: a path or query could carry a token. */
function upstreamLabel(upstream: string): string {
  return URL.canParse(upstream) ? new URL(upstream).origin : 'invalid'
}
