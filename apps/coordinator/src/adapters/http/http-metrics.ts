import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

export interface RequestLabels {
  readonly method: string
  /** The route pattern (`/v1/zones/:name`), never the raw URL: label values must stay few. */
  readonly route: string
  readonly statusCode: number
}

/** Metrics of one coordinator instance, in its own registry (no global state). */
export interface HttpMetrics {
  readonly registry: Registry
  observeRequest(labels: RequestLabels, durationSeconds: number): void
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labelNames = ['method', 'route', 'status_code'] as const
  const requests = new Counter({ name: 'meson_http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames, registers: [registry] })
  const duration = new Histogram({
    name: 'meson_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern and status',
    labelNames,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  return {
    registry,
    observeRequest(labels, durationSeconds) {
      const values = {
        method: KNOWN_METHODS.has(labels.method) ? labels.method : 'OTHER',
        route: labels.route,
        status_code: String(labels.statusCode),
      }
      requests.inc(values)
      duration.observe(values, durationSeconds)
    },
  }
}
