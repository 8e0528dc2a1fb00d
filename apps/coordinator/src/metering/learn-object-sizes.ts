import { rememberBounded } from '@meson/protocol'
import { objectKeyOf } from './bound-usage-by-object-size.ts'
import type { IssuedTicket } from './issued-ticket.ts'

export interface ObjectSizeLearnerOptions {
  /** The origin URL of a zone that has one (a pull zone); undefined for others (IPFS zones, gone zones). */
  readonly originOf: (zone: string) => string | undefined
  /** Asks the origin for an object's size (HEAD, Content-Length of a 200); undefined when it gives none. */
  readonly measure: (origin: string, path: string) => Promise<bigint | undefined>
  /** Stores a measured size. */
  readonly record: (zone: string, path: string, sizeBytes: bigint, atMs: number) => Promise<void>
  readonly now: () => number
  /** A measurement (or a failed one) is trusted this long before the origin is asked again. */
  readonly refreshMs: number
  /** At most this many objects are measured for one batch (the rest at a later batch). */
  readonly maxPerBatch: number
  /** At most this many objects are remembered in memory (oldest forgotten first). */
  readonly maxRemembered: number
  readonly onError?: (error: unknown) => void
}

/**
 * Learns the sizes of the objects usage is reported for, from the zone's origin, before
 * the batch is applied (so the batch is already bounded by them): the coordinator asks
 * the origin itself, so no node can set the size an object is judged by. Objects of
 * prefix tickets are not single objects and are skipped. What was asked recently (a size
 * or no answer) is not asked again before `refreshMs`; the sizes live in the metering
 * store, this memory only spares the origin. A replica each measures on its own.
 */
export class ObjectSizeLearner {
  readonly #options: ObjectSizeLearnerOptions
  /** Object key → when it was last asked. */
  readonly #askedAt = new Map<string, number>()
  /** Object key → the measurement in flight: a concurrent batch of the object waits for it. */
  readonly #inFlight = new Map<string, Promise<void>>()

  constructor(options: ObjectSizeLearnerOptions) {
    this.#options = options
  }

  /** Measures the not recently measured objects of `tickets` (bounded), and stores their sizes. */
  async learn(tickets: readonly IssuedTicket[]): Promise<void> {
    const now = this.#options.now()
    const waits = new Map<string, Promise<void>>()
    for (const ticket of tickets) {
      if (ticket.prefix || waits.size >= this.#options.maxPerBatch) continue
      const key = objectKeyOf(ticket.zone, ticket.path)
      if (waits.has(key)) continue
      const inFlight = this.#inFlight.get(key)
      if (inFlight !== undefined) {
        waits.set(key, inFlight)
        continue
      }
      const askedAt = this.#askedAt.get(key)
      if (askedAt !== undefined && now - askedAt < this.#options.refreshMs) continue
      const origin = this.#options.originOf(ticket.zone)
      if (origin === undefined) continue
      this.#remember(key, now)
      const measured = this.#measure(ticket.zone, ticket.path, origin, now).finally(() => this.#inFlight.delete(key))
      this.#inFlight.set(key, measured)
      waits.set(key, measured)
    }
    await Promise.all(waits.values())
  }

  async #measure(zone: string, path: string, origin: string, now: number): Promise<void> {
    try {
      const sizeBytes = await this.#options.measure(origin, path)
      if (sizeBytes !== undefined) await this.#options.record(zone, path, sizeBytes, now)
    } catch (error) {
      this.#options.onError?.(error)
    }
  }

  /** Forgets when `zone`'s objects were asked (deleted: a new zone of that name is measured at once). */
  forgetZone(zone: string): void {
    // Paths start with "/" and zone names hold none, so this prefix is the zone's alone.
    const prefix = objectKeyOf(zone, '/')
    for (const key of this.#askedAt.keys()) {
      if (key.startsWith(prefix)) this.#askedAt.delete(key)
    }
  }

  #remember(key: string, atMs: number): void {
    rememberBounded(this.#askedAt, key, atMs, this.#options.maxRemembered)
  }
}
