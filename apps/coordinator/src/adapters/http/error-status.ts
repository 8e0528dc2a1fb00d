import type { ApiErrorCode } from '../../api/api-error.ts'

/** The one table from error code to HTTP status (RFC 9110 §15). */
export const ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  INVALID_REQUEST: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  ZONE_NOT_FOUND: 404,
  ZONE_NAME_TAKEN: 409,
  NOT_A_BUYER: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
}
