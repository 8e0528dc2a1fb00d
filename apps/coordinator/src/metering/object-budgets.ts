import { rememberBounded } from '@meson/protocol'

/**
 * What one response of an object may carry, by object, as this coordinator measured it at
 * the object's origin (issue #11: "a ticket's budget follows the object's size"). The
 * redirector sizes a ticket's byte budget from it; metering fills it when it records an
 * origin measurement. Bounded: when full, the oldest entry is forgotten (its tickets get
 * the configured budget again, the ingest bound still caps what they bill). In memory and
 * per replica: another replica's measurements are not seen until it measures itself.
 */
/**
 * One change of {@link ObjectBudgets}, in the order it happened: `[zone, path, bytes]` a
 * record, `[zone]` the zone's entries forgotten (the zone was deleted).
 */
export type ObjectBudgetChange = readonly [zone: string, path: string, perResponseBytes: bigint] | readonly [zone: string]

export class ObjectBudgets {
  readonly #perResponse = new Map<string, bigint>()
  readonly #maxEntries: number
  readonly #observers = new Set<(change: ObjectBudgetChange) => void>()

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  /** Records the bytes one response of `zone` `path` may carry (size + tolerance + overhead). */
  record(zone: string, path: string, perResponseBytes: bigint): void {
    rememberBounded(this.#perResponse, keyOf(zone, path), perResponseBytes, this.#maxEntries)
    for (const observer of this.#observers) observer([zone, path, perResponseBytes])
  }

  /** Forgets every entry of `zone` (deleted: its name may come back as another zone). */
  forgetZone(zone: string): void {
    const prefix = keyOf(zone, '')
    for (const key of this.#perResponse.keys()) {
      if (key.startsWith(prefix)) this.#perResponse.delete(key)
    }
    for (const observer of this.#observers) observer([zone])
  }

  /** Applies a change another copy observed (a redirect worker's copy of the primary's). */
  apply(change: ObjectBudgetChange): void {
    if (change.length === 1) this.forgetZone(change[0])
    else this.record(change[0], change[1], change[2])
  }

  /**
   * Learns of every later `record` and `forgetZone`, in order (redirect workers replay them
   * into their own copy, ADR 0016 fifth session). Returns the function that stops it.
   */
  observe(observer: (change: ObjectBudgetChange) => void): () => void {
    this.#observers.add(observer)
    return () => this.#observers.delete(observer)
  }

  /** Every entry as `[zone, path, perResponseBytes]`, oldest first (replaying them rebuilds an equal copy). */
  entries(): [string, string, bigint][] {
    return [...this.#perResponse].map(([key, bytes]) => {
      const split = key.indexOf('\n')
      return [key.slice(0, split), key.slice(split + 1), bytes]
    })
  }

  /** The bytes one response of the object may carry, or undefined when it was not measured here. */
  perResponseBytes(zone: string, path: string): bigint | undefined {
    return this.#perResponse.get(keyOf(zone, path))
  }

  get size(): number {
    return this.#perResponse.size
  }

  /** Entries kept before the oldest is forgotten. */
  get capacity(): number {
    return this.#maxEntries
  }
}

function keyOf(zone: string, path: string): string {
  return `${zone}\n${path}`
}

/**
 * A ticket's byte budget: `responses` whole responses of the object when its size is
 * known, never more than the configured budget; the configured budget otherwise, or when
 * `responses` is 0 (sizing off). A client that needs more (seeks, reloads on one ticket)
 * is bounced by the node to the redirector for a fresh ticket, which bills on its own. Pure.
 */
export function sizedTicketBudget(configured: bigint, perResponseBytes: bigint | undefined, responses: number): bigint {
  if (perResponseBytes === undefined || responses <= 0) return configured
  const sized = perResponseBytes * BigInt(responses)
  return sized > 0n && sized < configured ? sized : configured
}
