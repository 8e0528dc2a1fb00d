import type { KeyObject } from 'node:crypto'
import { fail, ok, publicKeyObjectFrom, publicKeyToString } from '@meson/protocol'
import type { Result } from '@meson/protocol'

/** The coordinator key in use, and a generation number that changes when it is replaced. */
export interface CurrentCoordinatorKey {
  /** Prepared for node:crypto, so ticket checks do not re-import it each time. */
  readonly key: KeyObject
  /** Raw 32-byte key as fetched. */
  readonly raw: Uint8Array
  /** Increases by one on every change; caches of verified tickets compare it. */
  readonly generation: number
}

/**
 * Holds the coordinator's public key (DESIGN.md §3), shared by the ticket verifier and
 * the coordinator link. The link replaces it when it fetches a rotated key; until then,
 * and while the coordinator is unreachable, the node keeps serving with the last key it
 * knows, so a coordinator outage does not stop tickets already issued.
 */
export class CoordinatorKeyHolder {
  #current: CurrentCoordinatorKey | undefined

  /** Starts empty (every ticket refused until the first fetch), or with a pinned key. */
  constructor(initialKey?: Uint8Array) {
    if (initialKey !== undefined) {
      const replaced = this.replace(initialKey)
      if (!replaced.ok) throw new TypeError(replaced.reason)
    }
  }

  /** The key in use, if any. */
  get current(): CurrentCoordinatorKey | undefined {
    return this.#current
  }

  /**
   * Installs `raw` as the key. Returns whether it differs from the previous one; an
   * invalid key is refused and the previous key stays.
   */
  replace(raw: Uint8Array): Result<{ readonly changed: boolean }> {
    const key = publicKeyObjectFrom(raw)
    if (!key.ok) return fail(key.reason)
    const previous = this.#current
    if (previous !== undefined && publicKeyToString(previous.raw) === publicKeyToString(raw)) return ok({ changed: false })
    this.#current = { key: key.value, raw: Uint8Array.from(raw), generation: (previous?.generation ?? 0) + 1 }
    return ok({ changed: true })
  }
}
