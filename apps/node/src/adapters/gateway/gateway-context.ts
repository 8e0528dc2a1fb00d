import type { BlockSource } from '../../gateway/block-source.ts'
import type { Denylist } from '../../gateway/denylist.ts'

/** What serving `/ipfs/` needs. */
export interface GatewayContext {
  /** Verified blocks only. */
  readonly source: BlockSource
  /** The denylist in force now (replaced whole when the coordinator pushes a new one). */
  readonly denylist: () => Denylist
  /** Block reads kept in flight ahead of the CAR writer. */
  readonly prefetchWindow: number
  /** How long resolving the path and the first block may take (then 504). */
  readonly firstBlockTimeoutMs: number
  /** Counts answers by kind (metrics). */
  readonly onAnswered?: (format: 'raw' | 'car' | 'deserialized', status: number) => void
}
