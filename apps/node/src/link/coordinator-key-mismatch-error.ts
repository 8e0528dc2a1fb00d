import { BaseError } from '@meson/protocol'

/** The coordinator's key does not match the one pinned in the node's config. */
export class CoordinatorKeyMismatchError extends BaseError {
  override readonly name = 'CoordinatorKeyMismatchError'
  declare readonly code: 'COORDINATOR_KEY_MISMATCH'

  constructor() {
    super(
      'COORDINATOR_KEY_MISMATCH',
      "The coordinator's public key differs from the pinned one; check the --coordinator URL, or update the pinned key if the coordinator rotated it.",
    )
  }
}
