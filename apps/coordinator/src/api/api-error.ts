import { BaseError } from '@meson/protocol'

/** Stable codes the HTTP API answers with; the HTTP adapter maps each to a status. */
export type ApiErrorCode =
  | 'INVALID_REQUEST'
  | 'MALFORMED_JSON'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ACCOUNT_NOT_FOUND'
  | 'ZONE_NOT_FOUND'
  | 'ZONE_NAME_TAKEN'
  | 'NOT_A_BUYER'
  | 'PAYLOAD_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL'
  | 'STORE_UNAVAILABLE'
  // The fleet (node registration, heartbeats, purges, redirects); see fleet/fleet-refusal.ts.
  | 'NODE_REGISTRATION_INVALID'
  | 'NODE_SIGNATURE_INVALID'
  | 'NODE_CLOCK_SKEW'
  | 'NODE_VERSION_TOO_OLD'
  | 'NODE_OWNED_BY_OTHER_OPERATOR'
  | 'NODE_IP_IN_USE'
  | 'NODE_CALLBACK_FAILED'
  | 'NODE_UNKNOWN'
  | 'HEARTBEAT_REPLAYED'
  | 'PURGE_NOT_FOUND'
  | 'PAYMENT_REQUIRED'
  | 'FLEET_UNAVAILABLE'
  // Metering and zone settings.
  | 'INVALID_USAGE_REPORT'
  | 'USAGE_BATCH_DUPLICATE'
  | 'CUSTOM_DOMAIN_TAKEN'
  | 'METERING_UNAVAILABLE'
  // The redirector (GET /z/<zone>/<path> and custom domains).
  | 'COUNTRY_BLOCKED'
  | 'ORIGIN_UNREACHABLE'
  | 'ORIGIN_TIMEOUT'

/** An expected refusal of an API request; its `shortMessage` is safe to show the caller. */
export class ApiError extends BaseError {
  override readonly name = 'ApiError'
  declare readonly code: ApiErrorCode

  constructor(code: ApiErrorCode, shortMessage: string, options: { cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
