import type { Clock, TimerHandle, Timers } from '../link/link-runtime.ts'

interface ScheduledCallback {
  readonly id: number
  readonly dueMs: number
  readonly callback: () => void
}

/**
 * Test fixture: a clock and timers that move only when the test says so. `advance`
 * fires due callbacks in time order (ties in scheduling order), each with the clock
 * set to its due time, so code under test sees a consistent, deterministic timeline.
 */
export class FakeTimers implements Clock, Timers {
  #nowMs: number
  #nextId = 1
  #scheduled: ScheduledCallback[] = []

  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs
  }

  nowMs(): number {
    return this.#nowMs
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId
    this.#nextId += 1
    this.#scheduled.push({ id, dueMs: this.#nowMs + Math.max(0, delayMs), callback })
    return id
  }

  clearTimeout(handle: TimerHandle): void {
    this.#scheduled = this.#scheduled.filter((entry) => entry.id !== handle)
  }

  /** Delays (from now) of the callbacks still waiting, soonest first. */
  pendingDelaysMs(): number[] {
    return this.#scheduled.map((entry) => entry.dueMs - this.#nowMs).sort((a, b) => a - b)
  }

  /** Moves time forward by `ms`, firing every callback that falls due on the way. */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms
    for (;;) {
      const next = this.#earliestDueBy(targetMs)
      if (next === undefined) break
      this.#scheduled = this.#scheduled.filter((entry) => entry.id !== next.id)
      this.#nowMs = next.dueMs
      next.callback()
    }
    this.#nowMs = targetMs
  }

  /** Moves time to the next scheduled callback and fires it (and any due at the same time). */
  advanceToNext(): number {
    const [delayMs] = this.pendingDelaysMs()
    if (delayMs === undefined) throw new Error('no timer is scheduled')
    this.advance(delayMs)
    return delayMs
  }

  #earliestDueBy(targetMs: number): ScheduledCallback | undefined {
    let earliest: ScheduledCallback | undefined
    for (const entry of this.#scheduled) {
      if (entry.dueMs > targetMs) continue
      if (earliest === undefined || entry.dueMs < earliest.dueMs || (entry.dueMs === earliest.dueMs && entry.id < earliest.id)) earliest = entry
    }
    return earliest
  }
}
