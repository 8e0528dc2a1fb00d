import { Counter } from 'prom-client'
import type { Registry } from 'prom-client'

/** Counts the redirector's answers; the raw route skips Fastify's per-request metrics hook. */
export type CountRedirect = (method: string, statusCode: number, count?: number) => void

/**
 * `meson_redirects_total{method,status_code}` in `registry`. The labelled children are
 * cached by key, so a redirect costs one Map lookup and an increment (no label hashing).
 */
export function createRedirectCounter(registry: Registry): CountRedirect {
  const counter = new Counter({ name: 'meson_redirects_total', help: 'Zone requests answered by the redirector, by method and status', labelNames: ['method', 'status_code'] as const, registers: [registry] })
  const children = new Map<string, Counter.Internal>()
  return (method, statusCode, count = 1) => {
    const key = `${method} ${statusCode}`
    let child = children.get(key)
    if (child === undefined) {
      child = counter.labels({ method, status_code: String(statusCode) })
      children.set(key, child)
    }
    child.inc(count)
  }
}
