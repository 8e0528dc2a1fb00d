import { isErrorWithCode } from '@meson/protocol'
import { ApiError } from './api-error.ts'
import type { ApiErrorCode } from './api-error.ts'
import { ERROR_STATUS } from './error-status.ts'

export interface ErrorReply {
  readonly status: number
  readonly code: ApiErrorCode
  readonly message: string
  /** Whether this is our fault and deserves an error log line. */
  readonly isUnexpected: boolean
}

/** Fastify's own refusals, by its error code. */
const FASTIFY_CODES: Readonly<Record<string, ApiErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_BAD_URL: 'INVALID_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
}

const FRIENDLY_MESSAGES: Partial<Record<ApiErrorCode, string>> = {
  PAYLOAD_TOO_LARGE: 'the request body is larger than this server accepts',
  UNSUPPORTED_MEDIA_TYPE: 'send the body as application/json',
  MALFORMED_JSON: 'the body is not valid JSON',
  INVALID_REQUEST: 'the URL is not valid (bad percent-encoding)',
  URI_TOO_LONG: 'a path segment of the URL is too long',
}

function readCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
}

function readStatusCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined
}

/**
 * Turns anything thrown while answering into the `{ error: { code, message } }` reply.
 * Unknown errors become 500 INTERNAL with a generic message: their text may hold
 * internals (SQL, paths) that no caller should see.
 */
export function toErrorReply(error: unknown, requestId: string): ErrorReply {
  if (error instanceof ApiError) {
    const status = ERROR_STATUS[error.code]
    return { status, code: error.code, message: error.shortMessage, isUnexpected: status >= 500 && error.code !== 'STORE_UNAVAILABLE' }
  }
  // The store says so when the database cannot be reached: a 503 the caller may retry.
  if (isErrorWithCode(error, 'STORE_UNAVAILABLE')) {
    return { status: ERROR_STATUS.STORE_UNAVAILABLE, code: 'STORE_UNAVAILABLE', message: 'the store does not answer; retry later', isUnexpected: false }
  }
  const fastifyCode = readCode(error)
  const mapped = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined
  if (mapped !== undefined) {
    return { status: ERROR_STATUS[mapped], code: mapped, message: FRIENDLY_MESSAGES[mapped] ?? mapped, isUnexpected: false }
  }
  const statusCode = readStatusCode(error)
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Other refusals of the HTTP layer (bad URL encoding, bad Content-Length, ...).
    const code: ApiErrorCode = statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_REQUEST'
    return { status: ERROR_STATUS[code], code, message: 'the request could not be read', isUnexpected: false }
  }
  return { status: ERROR_STATUS.INTERNAL, code: 'INTERNAL', message: `internal error (request id ${requestId})`, isUnexpected: true }
}
