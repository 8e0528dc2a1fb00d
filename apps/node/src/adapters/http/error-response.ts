import type { ServerResponse } from 'node:http'

/**
 * The one table from error codes to HTTP statuses (STYLE.md: only the HTTP adapter maps
 * codes to statuses). Unknown codes are 500, with a generic message.
 */
const STATUS_BY_CODE: ReadonlyMap<string, number> = new Map([
  ['ORIGIN_UNREACHABLE', 502],
  ['ORIGIN_RESET', 502],
  ['ORIGIN_BAD_RESPONSE', 502],
  ['ORIGIN_TIMEOUT', 504],
  // RFC 9111 §5.2.1.7: only-if-cached with nothing usable "SHOULD respond with 504".
  ['NOT_CACHED', 504],
  ['HEADERS_TOO_LARGE', 431],
  ['BAD_REQUEST', 400],
  ['INVALID_PURGE', 400],
  ['UNAUTHORIZED', 401],
  ['FORBIDDEN', 403],
  ['NOT_FOUND', 404],
  ['METHOD_NOT_ALLOWED', 405],
  ['CONFLICT', 409],
  ['TOO_MANY_REQUESTS', 429],
  ['SHUTTING_DOWN', 503],
  ['PRECONDITION_FAILED', 412],
])

/** The HTTP status for an error code. */
export function statusForErrorCode(code: string): number {
  return STATUS_BY_CODE.get(code) ?? 500
}

/**
 * Answers `{ "error": { "code", "message" } }` with the status of `code`, unless the
 * headers went out already, in which case the response is aborted so the client
 * never takes a partial body for a whole one.
 */
export function sendErrorResponse(res: ServerResponse, code: string, message: string, extraHeaders: readonly string[] = []): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const status = STATUS_BY_CODE.has(code) ? statusForErrorCode(code) : 500
  const body = JSON.stringify({ error: { code: STATUS_BY_CODE.has(code) ? code : 'INTERNAL', message: STATUS_BY_CODE.has(code) ? message : 'Internal error.' } })
  res.writeHead(status, [
    'content-type', 'application/json; charset=utf-8',
    'content-length', String(Buffer.byteLength(body)),
    'cache-control', 'no-store',
    ...extraHeaders,
  ])
  res.end(res.req.method === 'HEAD' ? undefined : body)
}
