import type { Logger } from '../cdn/engine/logger.ts'

/**
 * The collaborators the coordinator link and the usage outbox take instead of reaching
 * for globals, so tests drive time with a fake and production passes the real ones.
 */

export type { Clock } from '../cdn/engine/clock.ts'

/** An opaque handle of a scheduled callback. */
export type TimerHandle = object | number

/** Scheduling, as in `setTimeout`/`clearTimeout`. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** The link logs through the node's logger. */
export type LinkLogger = Logger

/** `fetch` as the link uses it (the global one, or a fake). */
export type FetchFunction = (url: URL, init: RequestInit) => Promise<Response>

/** Uniform random number in [0, 1), for jitter. */
export type RandomSource = () => number

export { systemClock } from '../cdn/engine/clock.ts'

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs)
    // A pending retry or heartbeat must not keep a stopping process alive.
    handle.unref()
    return handle
  },
  clearTimeout: (handle) => {
    // Only handles made by setTimeout just above reach here.
    clearTimeout(handle as NodeJS.Timeout)
  },
}
