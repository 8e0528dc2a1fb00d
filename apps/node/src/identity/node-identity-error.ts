import { BaseError } from '@meson/protocol'

/** Why the node's key file cannot be used; the CLI prints `shortMessage` and exits. */
export type NodeIdentityErrorCode = 'NODE_KEY_INSECURE_PERMISSIONS' | 'NODE_KEY_INVALID' | 'NODE_KEY_NOT_A_FILE'

/** The node's identity key exists but must not (or cannot) be used. */
export class NodeIdentityError extends BaseError {
  override readonly name = 'NodeIdentityError'
  declare readonly code: NodeIdentityErrorCode

  constructor(code: NodeIdentityErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
