/**
 * A token bucket for the operator's bandwidth cap: `ratePerSecond` bytes per second,
 * bursts up to one second's worth. Pure over an injected clock: `take` says how long
 * to wait before `bytes` may pass (0 = now), and books them either way, so callers
 * that wait exactly that long stay within the rate on average.
 */
export class TokenBucket {
  readonly #ratePerSecond: number
  readonly #now: () => number
  #tokens: number
  #updatedMs: number

  constructor(ratePerSecond: number, now: () => number) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive')
    this.#ratePerSecond = ratePerSecond
    this.#now = now
    this.#tokens = ratePerSecond
    this.#updatedMs = now()
  }

  /** Books `bytes`; returns the milliseconds to wait before sending them. */
  take(bytes: number): number {
    const nowMs = this.#now()
    this.#tokens = Math.min(this.#ratePerSecond, this.#tokens + ((nowMs - this.#updatedMs) * this.#ratePerSecond) / 1000)
    this.#updatedMs = nowMs
    this.#tokens -= bytes
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.#ratePerSecond)
  }
}
