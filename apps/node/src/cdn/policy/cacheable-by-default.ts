/**
 * Status codes a cache may store and reuse with heuristic freshness: RFC 9110 §15.1
 * "200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, and 501 in this
 * specification", plus 451, which RFC 7725 §3 defines as "cacheable by default".
 */
const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501,
])

/** True when RFC 9110 §15.1 (or RFC 7725 §3) makes the status heuristically cacheable. */
export function isCacheableByDefault(status: number): boolean {
  return HEURISTICALLY_CACHEABLE.has(status)
}
