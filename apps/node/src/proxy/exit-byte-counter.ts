import { monthStartUtcMs } from '@meson/protocol'

/** The counter's whole state: the UTC month it counts and the bytes moved in it. */
export interface ExitMonthState {
  readonly monthStartMs: number
  readonly bytes: bigint
}

/**
 * Bytes this exit moved in the current UTC month, for the operator's monthly cap. Pure:
 * it starts from `initial` (what a previous run saved, see adapters/proxy/exit-month-file.ts)
 * and calls `onChange` after every add, so an adapter can persist it and a restart does
 * not reset the cap.
 */
export class ExitByteCounter {
  #monthStartMs = 0
  #bytes = 0n
  readonly #onChange: (state: ExitMonthState) => void

  constructor(options: { readonly initial?: ExitMonthState | undefined; readonly onChange?: (state: ExitMonthState) => void } = {}) {
    if (options.initial !== undefined) {
      this.#monthStartMs = options.initial.monthStartMs
      this.#bytes = options.initial.bytes
    }
    this.#onChange = options.onChange ?? (() => undefined)
  }

  /** Adds bytes moved at `nowMs` (both directions). */
  add(bytes: number, nowMs: number): void {
    this.#roll(nowMs)
    this.#bytes += BigInt(bytes)
    this.#onChange(this.state)
  }

  /** Bytes moved in the UTC month containing `nowMs`. */
  bytesThisMonth(nowMs: number): bigint {
    this.#roll(nowMs)
    return this.#bytes
  }

  get state(): ExitMonthState {
    return { monthStartMs: this.#monthStartMs, bytes: this.#bytes }
  }

  #roll(nowMs: number): void {
    const start = monthStartUtcMs(nowMs)
    if (start !== this.#monthStartMs) {
      this.#monthStartMs = start
      this.#bytes = 0n
    }
  }
}
