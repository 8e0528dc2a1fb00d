import type { FillReservation } from './cache-store.ts'

/**
 * Fills announced before their origin request (`CacheStore.reserveFill`). An
 * invalidation that lands between the request and the origin's headers finds no
 * writer yet; it marks the reservation instead, and the writer begun with it never
 * publishes (RFC 9111 §4.4: the unsafe request's answer wins; docs/adr/0009).
 */
export class FillReservations {
  readonly #open = new Set<OpenReservation>()

  reserve(primaryKey: string): FillReservation {
    const reservation: OpenReservation = {
      primaryKey,
      isInvalidated: false,
      release: () => this.#open.delete(reservation),
    }
    this.#open.add(reservation)
    return reservation
  }

  /** Marks every open reservation whose primary key matches. */
  invalidateWhere(matches: (primaryKey: string) => boolean): void {
    for (const reservation of this.#open) if (matches(reservation.primaryKey)) reservation.isInvalidated = true
  }
}

interface OpenReservation {
  readonly primaryKey: string
  isInvalidated: boolean
  release(): void
}
