import { BaseError } from '@meson/protocol'
import type { Command } from '@meson/protocol'
import type { CommandHandler } from '../link/command-inbox.ts'
import type { LinkLogger } from '../link/link-runtime.ts'
import type { PurgeSelector } from '../cdn/store/cache-store.ts'
import { zonePurgeSelector } from '../cdn/zones/zone-cache-key.ts'

/** What the node's commands act on. */
export interface NodeCommandTargets {
  readonly purge: (selector: PurgeSelector) => Promise<number>
  /** Stops taking new work; the coordinator is told by the link's draining heartbeat. */
  readonly startDraining: (reason: string | undefined) => void
  readonly logger: LinkLogger
}

/**
 * Runs the coordinator's verified commands (DESIGN.md §5 purge, §4.6 drain). A purge
 * removes the zone's objects it names and resolves once they are gone, so its ack means
 * "done". `config` is not supported yet: it throws, so it is not acknowledged.
 */
export function createNodeCommandHandler(targets: NodeCommandTargets): CommandHandler {
  return async (command: Command) => {
    switch (command.type) {
      case 'purge': {
        const purged = await targets.purge(zonePurgeSelector(command.args))
        targets.logger.info({ commandId: command.id, zone: command.args.zone, purged }, 'purged by the coordinator')
        return
      }
      case 'drain':
        targets.startDraining(command.args.reason)
        return
      case 'config':
        throw new BaseError('COMMAND_UNSUPPORTED', 'This node does not take config commands yet.')
    }
  }
}
