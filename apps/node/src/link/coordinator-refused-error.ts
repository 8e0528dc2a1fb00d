import { BaseError } from '@meson/protocol'

/**
 * The coordinator refused this node with a reason (DESIGN.md §4: version too old, IP
 * already used by another node, callback to the public URL failed …). `coordinatorCode`
 * and `coordinatorMessage` are the coordinator's own, for the CLI to print.
 */
export class CoordinatorRefusedError extends BaseError {
  override readonly name = 'CoordinatorRefusedError'
  declare readonly code: 'COORDINATOR_REFUSED'
  readonly status: number
  readonly coordinatorCode: string
  readonly coordinatorMessage: string

  constructor(status: number, coordinatorCode: string, coordinatorMessage: string) {
    super('COORDINATOR_REFUSED', `The coordinator refused this node: ${coordinatorMessage} (${coordinatorCode}).`, {
      details: `HTTP ${status}`,
    })
    this.status = status
    this.coordinatorCode = coordinatorCode
    this.coordinatorMessage = coordinatorMessage
  }
}
