import { BaseError } from '@meson/protocol'

/**
 * Stable codes of the contracts package:
 * - `COMPILE_FAILED`: solc rejected the sources.
 * - `ARTIFACT_MISSING`: a contract's compiled artifact is not there and could not be built.
 * - `ANVIL_UNAVAILABLE`: the anvil binary is not installed for this platform, or did not start.
 * - `DEPLOY_FAILED`: a deployment transaction reverted or produced no contract.
 */
export type ContractsErrorCode = 'COMPILE_FAILED' | 'ARTIFACT_MISSING' | 'ANVIL_UNAVAILABLE' | 'DEPLOY_FAILED'

/** An error of the contracts package, carrying one of the stable codes. */
export class ContractsError extends BaseError {
  override readonly name: string = 'ContractsError'
  declare readonly code: ContractsErrorCode

  constructor(code: ContractsErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
