import { BaseError } from '@meson/protocol'
import type { Command } from '@meson/protocol'
import type { CommandHandler } from '../link/command-inbox.ts'
import type { LinkLogger } from '../link/link-runtime.ts'
import type { PurgeSelector } from '../cdn/store/cache-store.ts'
import { zonePurgeSelector } from '../cdn/zones/zone-cache-key.ts'
import type { Denylist } from '../gateway/denylist.ts'

/** The key of the `config` command that carries the IPFS denylist (bad-bits text). */
export const IPFS_DENYLIST_CONFIG_KEY = 'ipfsDenylist'

/** What the node's commands act on. */
export interface NodeCommandTargets {
  readonly purge: (selector: PurgeSelector) => Promise<number>
  /** Stops taking new work; the coordinator is told by the link's draining heartbeat. */
  readonly startDraining: (reason: string | undefined) => void
  /** Replaces the IPFS gateway's denylist (bad-bits text); absent when the node runs no gateway. */
  readonly setIpfsDenylist?: (text: string) => Denylist
  readonly logger: LinkLogger
}

/**
 * Runs the coordinator's verified commands (DESIGN.md §5 purge, §4.6 drain). A purge
 * removes the zone's objects it names and resolves once they are gone, so its ack means
 * "done". `config` carries only the IPFS denylist so far; anything else throws, so it is not acknowledged.
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
      case 'config': {
        // The one config the node takes so far: the IPFS denylist (#13), pushed whole.
        const denylist = command.args[IPFS_DENYLIST_CONFIG_KEY]
        if (typeof denylist !== 'string' || targets.setIpfsDenylist === undefined || Object.keys(command.args).length !== 1) {
          throw new BaseError('COMMAND_UNSUPPORTED', 'This node takes only { ipfsDenylist: string } config commands.')
        }
        const loaded = targets.setIpfsDenylist(denylist)
        targets.logger.info({ commandId: command.id, entries: loaded.legacy.size + loaded.modern.size + loaded.multihashes.size, skipped: loaded.skippedLines }, 'IPFS denylist replaced by the coordinator')
        return
      }
    }
  }
}
