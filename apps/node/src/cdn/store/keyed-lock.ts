/**
 * Runs async sections one at a time per key (FIFO), and freely across keys. The store
 * uses it so that a removal, a metadata rewrite and a commit of the same object or
 * cache key never interleave their file operations.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>()

  /** Runs `section` after every earlier section for `key` has settled. */
  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const done = Promise.withResolvers<undefined>()
    const tail = previous.then(() => done.promise)
    this.#tails.set(key, tail)
    await previous
    try {
      return await section()
    } finally {
      done.resolve(undefined)
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }

  /** How many keys have a section queued or running (for tests). */
  get activeKeys(): number {
    return this.#tails.size
  }
}
