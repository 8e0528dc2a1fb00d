import { BaseError } from '@meson/protocol'
import type { FleetRefusalCode } from '../../fleet/fleet-refusal.ts'

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
  | 'DOMAIN_VERIFICATION_UNAVAILABLE'
  // The fleet (node registration, heartbeats, purges); one list, in fleet/fleet-refusal.ts.
  | FleetRefusalCode
  | 'PAYMENT_REQUIRED'
  // Metering and zone settings.
  | 'INVALID_USAGE_REPORT'
  | 'USAGE_BATCH_DUPLICATE'
  | 'CUSTOM_DOMAIN_TAKEN'
  | 'PROXY_UNAVAILABLE'
  // The redirector (GET /z/<zone>/<path> and custom domains).
  | 'COUNTRY_BLOCKED'
  // Settlement (GET /v1/claims/:address, GET /v1/chain).
  | 'NO_CLAIM'
  | 'NO_CHAIN'
  | 'ORIGIN_UNREACHABLE'
  | 'ORIGIN_TIMEOUT'
  // Issue #9: tenants and money.
  | 'PRICE_OUT_OF_RANGE'
  | 'ORIGIN_NOT_ALLOWED'
  | 'CUSTOM_DOMAIN_NOT_ALLOWED'
  | 'CUSTOM_DOMAIN_UNVERIFIED'
  | 'LOOP_DETECTED'
  // Rewards (epochs, earnings, node scores).
  | 'REWARDS_UNAVAILABLE'
  | 'SCORE_NOT_FOUND'
  // Proof of storage (node → coordinator).
  | 'STORAGE_REQUEST_REPLAYED'
  | 'STORAGE_SEGMENT_NOT_FOUND'
  | 'STORAGE_DIGEST_MISMATCH'

/** An expected refusal of an API request; its `shortMessage` is safe to show the caller. */
export class ApiError extends BaseError {
  override readonly name = 'ApiError'
  declare readonly code: ApiErrorCode

  constructor(code: ApiErrorCode, shortMessage: string, options: { cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
