import { fetchFromOrigin } from './routes/routing/fetch-from-origin.ts'
import type { FetchFromOriginResult, OriginAgents } from './routes/routing/fetch-from-origin.ts'

/** A decimal length the judge accepts (at most 18 digits: far above any object, within bigint's comfort). */
const LENGTH = /^\d{1,18}$/
/** `Content-Range` of a 206 (`bytes 0-0/N`) or of a 416 (`bytes` then a star, `/N`): N is the whole object's size. */
const CONTENT_RANGE = /^bytes (?:\d{1,18}-\d{1,18}|\*)\/(\d{1,18})$/

/**
 * The usage judge's origin measurement (ADR 0012): `HEAD <origin><path>` asking for the
 * identity encoding (the largest an honest node can serve), through the redirector's own
 * origin client (`fetchFromOrigin`: its keep-alive pools, `Via`, timeout; redirects are
 * not followed). Resolves the `Content-Length` of a 200 answer.
 *
 * Many origins answer HEAD badly (405/501, or a 200 without a length, as object stores
 * and dynamic handlers do); for those it asks once more with `GET` and `Range: bytes=0-0`
 * and reads the size from the 206's (or an empty object's 416's) `Content-Range`, or
 * from the `Content-Length` of a 200 that ignored the range. The body of that GET is
 * never read: the connection is dropped as soon as the head is in, so a large object
 * costs the origin one head, not the object. Undefined on anything else (another status,
 * no or a malformed size, an error, a timeout): the object then stays unsized and the
 * fleet's statistic, if any, sizes it.
 */
export function createMeasureOriginObjectSize(options: { readonly timeoutMs: number; readonly agents: OriginAgents }): (origin: string, path: string) => Promise<bigint | undefined> {
  const ask = async (origin: string, path: string, method: 'HEAD' | 'GET'): Promise<FetchFromOriginResult | undefined> => {
    const requestHeaders = method === 'HEAD' ? { 'accept-encoding': 'identity' } : { 'accept-encoding': 'identity', range: 'bytes=0-0' }
    try {
      return await fetchFromOrigin({ origin, path, query: '', method, requestHeaders, timeoutMs: options.timeoutMs }, options.agents)
    } catch {
      // An origin and path that make no URL.
      return undefined
    }
  }
  return async (origin, path) => {
    const head = await ask(origin, path, 'HEAD')
    if (head === undefined) return undefined
    if (!head.ok) return undefined
    head.body.resume()
    const length = head.headers['content-length']
    if (head.status === 200 && typeof length === 'string' && LENGTH.test(length)) return BigInt(length)
    // A 404, a redirect or a server error says the object is not there to be sized; only an
    // origin that would not tell its size by HEAD is asked again.
    if (!(head.status === 200 || head.status === 405 || head.status === 501)) return undefined
    const ranged = await ask(origin, path, 'GET')
    if (ranged === undefined || !ranged.ok) return undefined
    // Never read the body: one byte of a 206, or the whole object of a 200 that ignored the range.
    ranged.body.destroy()
    return sizeOfRangedAnswer(ranged.status, ranged.headers['content-range'], ranged.headers['content-length'])
  }
}

/** The object's size from the head of a `Range: bytes=0-0` answer, or undefined. Pure. */
export function sizeOfRangedAnswer(status: number, contentRange: unknown, contentLength: unknown): bigint | undefined {
  if (status === 206 || status === 416) {
    const match = typeof contentRange === 'string' ? CONTENT_RANGE.exec(contentRange.trim()) : null
    return match?.[1] === undefined ? undefined : BigInt(match[1])
  }
  if (status === 200 && typeof contentLength === 'string' && LENGTH.test(contentLength)) return BigInt(contentLength)
  return undefined
}
