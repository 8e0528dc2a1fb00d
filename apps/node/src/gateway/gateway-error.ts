import { BaseError } from '@meson/protocol'

/**
 * Stable codes of gateway failures; the HTTP adapter maps them to the statuses the IPFS
 * gateway specifications name (400 bad CID/path, 404/504 not retrievable, 406 Accept,
 * 410 denylisted, 412 for `Cache-Control: only-if-cached` when the root block is not here, 501 for /ipns/ (not resolved here) and
 * for codec conversions or paths inside a block (not implemented here), 502 when upstreams only sent blocks that failed verification).
 */
export type GatewayErrorCode =
  | 'BAD_CID'
  | 'BAD_PATH'
  | 'BAD_GATEWAY_REQUEST'
  | 'NOT_ACCEPTABLE'
  | 'UNSUPPORTED_CODEC'
  | 'PATH_NOT_FOUND'
  | 'BLOCK_NOT_FOUND'
  | 'BLOCK_TIMEOUT'
  | 'BLOCK_UNVERIFIED'
  | 'CONTENT_DENIED'
  | 'IPNS_UNSUPPORTED'
  | 'NOT_IMPLEMENTED'
  | 'NOT_CACHED'

/** A gateway failure with a stable `code`. */
export class GatewayError extends BaseError {
  override readonly code: GatewayErrorCode

  constructor(code: GatewayErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
    this.code = code
  }
}
