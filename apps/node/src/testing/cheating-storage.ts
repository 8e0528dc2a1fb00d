import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import type { StartCoordinatorNodeDependencies } from '../runtime/start-coordinator-node.ts'

/**
 * A node that claims disk it does not keep (issue #11's cheating-node harness): pass
 * the result as `storageCheat` to `startCoordinatorNode` (a dependency, never a CLI
 * option). It fills and confirms honestly, then deletes each segment's file right after
 * the confirm, while still counting it as held (it asks for no more fill than an honest
 * node) and answering every challenge on it with the digest of made-up bytes. `dropped`
 * lists the segments it threw away.
 */
export function cheatingStorage(dropped: number[] = []): NonNullable<StartCoordinatorNodeDependencies['storageCheat']> {
  return (store) => ({
    onHeld: async (segment) => {
      const path = store.pathOf(segment)
      if (path !== undefined) await rm(path, { force: true })
      dropped.push(segment)
    },
    reader: {
      readRange: async (segment, offset, length) => {
        const info = store.get(segment)
        if (info === undefined || !dropped.includes(segment)) return store.readRange(segment, offset, length)
        if (offset + length > info.size) return { ok: false, reason: 'out-of-range' }
        return { ok: true, bytes: new Uint8Array(randomBytes(length)) }
      },
    },
  })
}
