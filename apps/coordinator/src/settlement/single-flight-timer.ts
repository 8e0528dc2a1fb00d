/**
 * One run of a task at a time: `run()` joins the run in flight instead of starting a
 * second; `start(intervalMs)` runs it now and then on a timer (errors go to `onError`);
 * `stop()` clears the timer and waits for the run in flight. Shared by the settler and
 * the deposit watcher, which both poll the chain this way.
 */
export class SingleFlightTimer<T> {
  readonly #task: () => Promise<T>
  readonly #onError: ((error: unknown) => void) | undefined
  #running: Promise<T> | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(task: () => Promise<T>, onError?: (error: unknown) => void) {
    this.#task = task
    this.#onError = onError
  }

  run(): Promise<T> {
    this.#running ??= this.#task().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  start(intervalMs: number): void {
    if (this.#timer !== undefined) return
    const tick = (): void => {
      this.run().catch((error: unknown) => this.#onError?.(error))
    }
    this.#timer = setInterval(tick, intervalMs)
    tick()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running?.catch(() => undefined)
  }
}
