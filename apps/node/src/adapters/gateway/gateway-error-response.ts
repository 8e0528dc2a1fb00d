import type { ServerResponse } from 'node:http'
import { GatewayError } from '../../gateway/gateway-error.ts'
import type { GatewayErrorCode } from '../../gateway/gateway-error.ts'
import { CORS_HEADERS } from '../../gateway/gateway-headers.ts'

/**
 * Statuses of gateway error codes (trustless and path gateway specs): 400 for a bad CID
 * or path, 404 when the path does not exist or no upstream has the block, 504 when none
 * answered in time, 502 when upstreams only sent blocks that failed verification (we
 * never serve those), 406 for an Accept we cannot produce, 410 for denylisted content, 412 for `only-if-cached` when the root block is not held here, 501 for
 * `/ipns/` names, codec conversions and paths that end inside a block (features this
 * gateway does not implement, ADR 0014).
 */
const STATUS_BY_GATEWAY_CODE: Readonly<Record<GatewayErrorCode, number>> = {
  BAD_CID: 400,
  BAD_PATH: 400,
  BAD_GATEWAY_REQUEST: 400,
  NOT_ACCEPTABLE: 406,
  UNSUPPORTED_CODEC: 501,
  PATH_NOT_FOUND: 404,
  BLOCK_NOT_FOUND: 404,
  BLOCK_TIMEOUT: 504,
  BLOCK_UNVERIFIED: 502,
  CONTENT_DENIED: 410,
  IPNS_UNSUPPORTED: 501,
  NOT_IMPLEMENTED: 501,
  NOT_CACHED: 412,
}

/** `Retry-After` of a 502/504: a bad upstream's cooldown or a slow one may be over by then. */
const RETRY_AFTER_SECONDS = 30

/** The HTTP status of a gateway error code. */
export function statusForGatewayCode(code: GatewayErrorCode): number {
  return STATUS_BY_GATEWAY_CODE[code]
}

/**
 * Answers `{ "error": { "code", "message" } }` for a gateway failure; after the headers
 * went out (a CAR mid-stream) the connection is cut instead, so a client never takes a
 * truncated CAR for a whole one. Unknown errors are 500 without their message.
 */
export function sendGatewayError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  // Headers set for the success answer (Content-Location) do not describe an error.
  res.removeHeader('content-location')
  const known = error instanceof GatewayError
  const status = known ? statusForGatewayCode(error.code) : 500
  const body = JSON.stringify({ error: { code: known ? error.code : 'INTERNAL', message: known ? error.shortMessage : 'Internal error.' } })
  // A 504 may succeed on retry; the others are stable answers for this immutable path.
  const cacheControl = status === 410 || status === 400 ? 'public, max-age=60' : 'no-store'
  // 502/504 are worth retrying (path gateway spec: they SHOULD say when).
  const retry = status === 502 || status === 504 ? ['retry-after', String(RETRY_AFTER_SECONDS)] : []
  res.writeHead(status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)), 'cache-control', cacheControl, ...retry, ...CORS_HEADERS])
  res.end(res.req.method === 'HEAD' ? undefined : body)
}
