import { TicketKeyRing } from '@meson/protocol'

/** The node's ticket keys in use, and a generation number that changes when they are replaced. */
export interface CurrentNodeTicketKeys {
  readonly ring: TicketKeyRing
  /** Increases by one on every change; caches of verified tickets compare it. */
  readonly generation: number
}

/**
 * Holds this node's ticket keys (ADR 0016): one per live key generation, derived by the
 * coordinator for this node only and delivered, signed, at registration. The link
 * replaces them on every registration; while the coordinator is unreachable the node
 * keeps serving with the keys it has, so an outage does not stop tickets already issued.
 * Holding the old and the new generation during a rotation is what lets no ticket be
 * refused in the overlap.
 */
export class NodeTicketKeyHolder {
  #current: CurrentNodeTicketKeys | undefined
  #fingerprint = ''

  /** The keys in use, if any were delivered yet. */
  get current(): CurrentNodeTicketKeys | undefined {
    return this.#current
  }

  /** Installs `keys`; returns whether they differ from the previous set. */
  replace(keys: readonly { readonly kid: string; readonly key: Uint8Array }[]): boolean {
    const fingerprint = keys.map(({ kid, key }) => `${kid}:${Buffer.from(key).toString('base64url')}`).join(',')
    if (this.#current !== undefined && fingerprint === this.#fingerprint) return false
    this.#fingerprint = fingerprint
    this.#current = { ring: new TicketKeyRing(keys), generation: (this.#current?.generation ?? 0) + 1 }
    return true
  }
}
