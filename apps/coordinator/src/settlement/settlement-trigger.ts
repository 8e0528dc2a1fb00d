import type { SettleOutcome } from './settler.ts'

export interface SettlementTriggerInit {
  /** One settlement run (`Settler.settle`): idempotent, so asking again is always safe. */
  readonly settle: () => Promise<SettleOutcome>
  /** Wait before retrying a failed run, or one whose root is still waiting to be mined. */
  readonly retryDelayMs: number
  readonly onError?: (error: unknown) => void
  readonly onSettled?: (outcome: SettleOutcome) => void
}

/**
 * Runs settlement when asked (after each epoch close), never two runs at once: a request
 * during a run makes one more run after it, so earnings closed while a root was confirming
 * are settled too. A failed or still-pending run is retried after `retryDelayMs` until one
 * succeeds; `stop()` ends the retries and waits for the run in progress.
 */
export class SettlementTrigger {
  readonly #init: SettlementTriggerInit
  #running: Promise<void> | undefined
  #isRequestedAgain = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #isStopped = false

  constructor(init: SettlementTriggerInit) {
    this.#init = init
  }

  /** Asks for a settlement run (coalesced with one in progress). */
  request(): void {
    if (this.#isStopped) return
    if (this.#running !== undefined) {
      this.#isRequestedAgain = true
      return
    }
    this.#cancelRetry()
    this.#running = this.#run().finally(() => {
      this.#running = undefined
      if (this.#isRequestedAgain) {
        this.#isRequestedAgain = false
        this.request()
      }
    })
  }

  /** The run in progress, if any (tests wait on it). */
  get running(): Promise<void> | undefined {
    return this.#running
  }

  async stop(): Promise<void> {
    this.#isStopped = true
    this.#cancelRetry()
    await this.#running
  }

  async #run(): Promise<void> {
    try {
      const outcome = await this.#init.settle()
      this.#init.onSettled?.(outcome)
      if (outcome.status === 'pending') this.#scheduleRetry()
    } catch (error) {
      this.#init.onError?.(error)
      this.#scheduleRetry()
    }
  }

  #scheduleRetry(): void {
    if (this.#isStopped) return
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      this.request()
    }, this.#init.retryDelayMs)
    this.#retryTimer.unref()
  }

  #cancelRetry(): void {
    clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
  }
}
