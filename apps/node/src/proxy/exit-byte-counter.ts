import { monthStartUtcMs } from '@meson/protocol'

/**
 * Bytes this exit moved in the current UTC month, for the operator's monthly cap. Kept
 * in memory: a restart forgets the month so far (ADR 0011 lists this as a known gap;
 * the gateway's metering is the authoritative record).
 */
export class ExitByteCounter {
  #monthStartMs = 0
  #bytes = 0n

  /** Adds bytes moved at `nowMs` (both directions). */
  add(bytes: number, nowMs: number): void {
    this.#roll(nowMs)
    this.#bytes += BigInt(bytes)
  }

  /** Bytes moved in the UTC month containing `nowMs`. */
  bytesThisMonth(nowMs: number): bigint {
    this.#roll(nowMs)
    return this.#bytes
  }

  #roll(nowMs: number): void {
    const start = monthStartUtcMs(nowMs)
    if (start !== this.#monthStartMs) {
      this.#monthStartMs = start
      this.#bytes = 0n
    }
  }
}
