import { BaseError } from '@meson/protocol'

/** Why talking to the origin failed; the HTTP adapter maps each code to 502 or 504. */
export type OriginErrorCode =
  /** Connection refused, DNS failure, unreachable host. */
  | 'ORIGIN_UNREACHABLE'
  /** The origin closed or reset the connection before a whole response. */
  | 'ORIGIN_RESET'
  /** No connection, no headers, or a silent socket within the configured time. */
  | 'ORIGIN_TIMEOUT'
  /** The origin answered something that is not HTTP we can relay. */
  | 'ORIGIN_BAD_RESPONSE'

/** A failed exchange with the origin. The message never contains the origin's credentials. */
export class OriginError extends BaseError {
  override readonly name = 'OriginError'
  declare readonly code: OriginErrorCode

  constructor(code: OriginErrorCode, shortMessage: string, options: { cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
