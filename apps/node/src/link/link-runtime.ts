/**
 * The collaborators the coordinator link and the usage outbox take instead of reaching
 * for globals, so tests drive time with a fake and production passes the real ones.
 */

/** A source of the local time in ms since the epoch. */
export interface Clock {
  nowMs(): number
}

/** An opaque handle of a scheduled callback. */
export type TimerHandle = object | number

/** Scheduling, as in `setTimeout`/`clearTimeout`. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** The slice of a pino logger these modules use; a recording fake in tests. */
export interface LinkLogger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/** `fetch` as the link uses it (the global one, or a fake). */
export type FetchFunction = (url: URL, init: RequestInit) => Promise<Response>

/** Uniform random number in [0, 1), for jitter. */
export type RandomSource = () => number

export const systemClock: Clock = { nowMs: () => Date.now() }

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

export const silentLinkLogger: LinkLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }
