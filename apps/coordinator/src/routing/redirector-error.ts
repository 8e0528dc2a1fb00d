import { BaseError } from '@meson/protocol'

/** Codes of the redirector's programmer errors (expected outcomes are results). */
export type RedirectorErrorCode = 'FLEET_NODE_INVALID'

/** A caller broke the redirector's contract, e.g. registered a node with weight 0. */
export class RedirectorError extends BaseError {
  override readonly name = 'RedirectorError'
  declare readonly code: RedirectorErrorCode

  constructor(code: RedirectorErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
