import { fetchFromOrigin } from './routes/routing/fetch-from-origin.ts'
import type { OriginAgents } from './routes/routing/fetch-from-origin.ts'

/**
 * The usage judge's origin measurement (ADR 0012): `HEAD <origin><path>` asking for the
 * identity encoding (the largest an honest node can serve), through the redirector's own
 * origin client (`fetchFromOrigin`: its keep-alive pools, `Via`, timeout; redirects are
 * not followed). Resolves the `Content-Length` of a 200 answer, or undefined on anything
 * else (another status, no or a malformed length, an error, a timeout): the object then
 * stays unsized and the fleet's statistic, if any, sizes it.
 */
export function createMeasureOriginObjectSize(options: { readonly timeoutMs: number; readonly agents: OriginAgents }): (origin: string, path: string) => Promise<bigint | undefined> {
  return async (origin, path) => {
    let fetched: Awaited<ReturnType<typeof fetchFromOrigin>>
    try {
      fetched = await fetchFromOrigin({ origin, path, query: '', method: 'HEAD', requestHeaders: { 'accept-encoding': 'identity' }, timeoutMs: options.timeoutMs }, options.agents)
    } catch {
      // An origin and path that make no URL.
      return undefined
    }
    if (!fetched.ok) return undefined
    fetched.body.resume()
    const length = fetched.headers['content-length']
    return fetched.status === 200 && typeof length === 'string' && /^\d{1,18}$/.test(length) ? BigInt(length) : undefined
  }
}
