/**
 * Which upstreams are in use: one that sent a block failing verification is dropped for
 * `cooldownMs` (DESIGN.md §6: "the upstream is marked bad"), then tried again, since a
 * single corrupted transfer should not exclude a gateway forever. When every upstream is
 * dropped, none is asked: serving nothing beats serving from a gateway known to lie.
 */
export class UpstreamHealth {
  readonly #upstreams: readonly string[]
  readonly #cooldownMs: number
  readonly #badUntilMs = new Map<string, number>()

  constructor(upstreams: readonly string[], cooldownMs: number) {
    this.#upstreams = upstreams
    this.#cooldownMs = cooldownMs
  }

  /** Upstreams to ask now, in configured order. */
  usable(nowMs: number): readonly string[] {
    return this.#upstreams.filter((upstream) => (this.#badUntilMs.get(upstream) ?? 0) <= nowMs)
  }

  /** Drops `upstream` until `nowMs + cooldownMs`. */
  markBad(upstream: string, nowMs: number): void {
    this.#badUntilMs.set(upstream, nowMs + this.#cooldownMs)
  }

  /** True while `upstream` is dropped. */
  isBad(upstream: string, nowMs: number): boolean {
    return (this.#badUntilMs.get(upstream) ?? 0) > nowMs
  }
}
