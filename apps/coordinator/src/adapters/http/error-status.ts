import type { ApiErrorCode } from './api-error.ts'

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
  DOMAIN_VERIFICATION_UNAVAILABLE: 503,
  NODE_REGISTRATION_INVALID: 400,
  NODE_SIGNATURE_INVALID: 401,
  NODE_CLOCK_SKEW: 400,
  // 403: understood and refused until the node is upgraded (426 would demand an Upgrade header, RFC 9110 §15.5.22).
  NODE_VERSION_TOO_OLD: 403,
  NODE_OWNED_BY_OTHER_OPERATOR: 409,
  NODE_IP_IN_USE: 409,
  NODE_CALLBACK_FAILED: 422,
  NODE_UNKNOWN: 404,
  HEARTBEAT_REPLAYED: 409,
  PURGE_NOT_FOUND: 404,
  PAYMENT_REQUIRED: 402,
  INVALID_USAGE_REPORT: 400,
  // 409: the node treats it as "already applied" and stops resending (its outbox contract).
  USAGE_BATCH_DUPLICATE: 409,
  CUSTOM_DOMAIN_TAKEN: 409,
  PROXY_UNAVAILABLE: 503,
  // 451: refused for a legal reason, the zone owner's country block (RFC 7725 §3).
  COUNTRY_BLOCKED: 451,
  NO_CLAIM: 404,
  NO_CHAIN: 404,
  // The origin fallback: the origin did not answer (RFC 9110 §15.6.3, §15.6.5).
  ORIGIN_UNREACHABLE: 502,
  ORIGIN_TIMEOUT: 504,
  PRICE_OUT_OF_RANGE: 400,
  // 422: well-formed, but an origin inside the network would make it fetch from itself.
  ORIGIN_NOT_ALLOWED: 422,
  CUSTOM_DOMAIN_NOT_ALLOWED: 422,
  // 409: the domain's owner has not proved control yet (challenge not found or not matching).
  CUSTOM_DOMAIN_UNVERIFIED: 409,
  // 508 Loop Detected (RFC 5842 §7.2): the request already passed through this network.
  LOOP_DETECTED: 508,
  REWARDS_UNAVAILABLE: 503,
  SCORE_NOT_FOUND: 404,
  STORAGE_REQUEST_REPLAYED: 409,
  STORAGE_SEGMENT_NOT_FOUND: 404,
  // 422: the node's digest of a segment is not the segment the coordinator served.
  STORAGE_DIGEST_MISMATCH: 422,
}
