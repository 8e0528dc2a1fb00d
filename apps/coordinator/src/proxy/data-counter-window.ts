/** How far below the highest counter seen a late hello is still taken. */
const WINDOW = 1024

/**
 * The gateway's replay guard for one tunnel session's data-connection hellos: each
 * counter is good once. A node dials several data connections at a time, so counters may
 * arrive out of order; one seen, or more than {@link WINDOW} below the highest seen, is
 * refused. Memory is bounded by the window.
 */
export class DataCounterWindow {
  #highest = -1
  readonly #seen = new Set<number>()

  /** True (and remembered) the first time `counter` is offered within the window. */
  accept(counter: number): boolean {
    if (counter <= this.#highest - WINDOW || this.#seen.has(counter)) return false
    this.#seen.add(counter)
    if (counter > this.#highest) {
      this.#highest = counter
      if (this.#seen.size > 2 * WINDOW) for (const old of this.#seen) if (old <= this.#highest - WINDOW) this.#seen.delete(old)
    }
    return true
  }
}
