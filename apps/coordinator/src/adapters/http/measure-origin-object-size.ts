import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/**
 * The usage judge's origin measurement (ADR 0012): `HEAD <origin><path>` asking for the
 * identity encoding (the largest an honest node can serve), no redirects followed.
 * Resolves the `Content-Length` of a 200 answer, or undefined on anything else (another
 * status, no or a malformed length, an error, a timeout): the object then stays unsized
 * and the fleet's statistic, if any, sizes it.
 */
export function createMeasureOriginObjectSize(options: { readonly timeoutMs: number }): (origin: string, path: string) => Promise<bigint | undefined> {
  return (origin, path) =>
    new Promise((resolve) => {
      let target: URL
      try {
        target = new URL(`${origin.endsWith('/') ? origin.slice(0, -1) : origin}${path}`)
      } catch {
        resolve(undefined)
        return
      }
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest
      const request = send(target, { method: 'HEAD', headers: { 'accept-encoding': 'identity', via: '1.1 meson' }, agent: false, timeout: options.timeoutMs }, (response) => {
        response.resume()
        const length = response.headers['content-length']
        resolve(response.statusCode === 200 && length !== undefined && /^\d{1,18}$/.test(length) ? BigInt(length) : undefined)
      })
      request.on('timeout', () => request.destroy())
      request.on('error', () => resolve(undefined))
      request.end()
    })
}
