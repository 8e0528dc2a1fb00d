import { deriveCoordinatorTicketKey, deriveNodeTicketKey, nodeTicketKeyWire, rememberBounded, TicketMacKey } from '@meson/protocol'
import type { NodeTicketKeyWire, TicketTagKeys } from '@meson/protocol'

/** One generation of the ticket master secret (ADR 0016). */
export interface TicketMasterKey {
  /** Carried in every ticket tagged with this generation. */
  readonly kid: string
  /** At least 32 random bytes; never leaves the coordinators. */
  readonly secret: Uint8Array
  /** From when the coordinator issues with this generation, ms since the epoch. */
  readonly activeFrom: number
}

/** What a ticket for one node is tagged with: the generation's id and its two keys. */
export interface TagKeysOf {
  readonly kid: string
  readonly keys: TicketTagKeys
}

interface Generation {
  readonly master: TicketMasterKey
  readonly coordinatorKey: TicketMacKey
  /** Per node id, the answer of `tagKeysFor` under this generation (bounded like the node keys). */
  readonly tagKeys: Map<string, TagKeysOf>
}

/** Node keys cached per generation before the oldest are dropped (a fleet's worth). */
const DEFAULT_NODE_KEY_CACHE = 200_000

/**
 * The coordinator's ticket keys: every master generation it knows (issuing with the
 * newest active one, verifying with all), the coordinator key of each, and the per-node
 * keys derived on first use and cached, so issuing a ticket costs two keyed-BLAKE3 tags and no HKDF.
 *
 * Rotation with an overlap: add a generation with `activeFrom` in the future; nodes
 * receive it with their keys at registration and on heartbeats before it is used, and
 * tickets of the old generation stay valid (on nodes, and for billing) until the old
 * generation is removed after ticket TTL + usage grace. Pure: the clock is passed in.
 */
export class CoordinatorTicketKeys {
  readonly #generations: readonly Generation[]
  readonly #nodeKeys = new Map<string, TicketMacKey>()
  readonly #cacheSize: number

  constructor(masters: readonly TicketMasterKey[], cacheSize = DEFAULT_NODE_KEY_CACHE) {
    if (masters.length === 0) throw new RangeError('at least one ticket master key is needed')
    if (new Set(masters.map((master) => master.kid)).size !== masters.length) throw new RangeError('ticket master key ids must be unique')
    // Newest activation first, so the active generation is the first one already active.
    this.#generations = [...masters]
      .sort((a, b) => b.activeFrom - a.activeFrom)
      .map((master) => ({ master, coordinatorKey: new TicketMacKey(deriveCoordinatorTicketKey(master.secret, master.kid)), tagKeys: new Map<string, TagKeysOf>() }))
    this.#cacheSize = cacheSize
  }

  /** The generation tickets are issued with at `nowMs` (the oldest if none is active yet). */
  activeKid(nowMs: number): string {
    return this.#activeGeneration(nowMs).master.kid
  }

  /**
   * The keys to tag a ticket for `nodeId` with, under the active generation. The answer
   * for one (generation, node) is built once and then reused: issuing allocates nothing here.
   */
  tagKeysFor(nodeId: string, nowMs: number): TagKeysOf {
    const generation = this.#activeGeneration(nowMs)
    const cached = generation.tagKeys.get(nodeId)
    if (cached !== undefined) return cached
    const entry: TagKeysOf = Object.freeze({ kid: generation.master.kid, keys: Object.freeze({ nodeKey: this.#nodeKey(generation.master.kid, nodeId), coordinatorKey: generation.coordinatorKey }) })
    rememberBounded(generation.tagKeys, nodeId, entry, this.#cacheSize)
    return entry
  }

  #activeGeneration(nowMs: number): Generation {
    // Newest activation first: the first one already active is the active one.
    const generations = this.#generations
    for (let index = 0; index < generations.length; index++) {
      const generation = generations[index]
      if (generation !== undefined && generation.master.activeFrom <= nowMs) return generation
    }
    const oldest = generations.at(-1)
    if (oldest === undefined) throw new RangeError('no ticket master key')
    return oldest
  }

  /** The coordinators' key of `kid`, if that generation is still known. */
  coordinatorKeyFor(kid: string): TicketMacKey | undefined {
    return this.#generations.find((generation) => generation.master.kid === kid)?.coordinatorKey
  }

  /** Every generation's key of `nodeId`, for delivery over the signed channel (never logged). */
  nodeKeysFor(nodeId: string): NodeTicketKeyWire[] {
    return this.#generations.map(({ master }) => nodeTicketKeyWire(master.kid, deriveNodeTicketKey(master.secret, master.kid, nodeId)))
  }

  #nodeKey(kid: string, nodeId: string): TicketMacKey {
    const cacheKey = `${kid}\u0000${nodeId}`
    const cached = this.#nodeKeys.get(cacheKey)
    if (cached !== undefined) return cached
    const master = this.#generations.find((generation) => generation.master.kid === kid)?.master
    if (master === undefined) throw new RangeError(`unknown ticket key id ${kid}`)
    const key = new TicketMacKey(deriveNodeTicketKey(master.secret, kid, nodeId))
    rememberBounded(this.#nodeKeys, cacheKey, key, this.#cacheSize)
    return key
  }
}
