/** A source of the local time in ms; tests pass a fixed or stepped one. */
export interface Clock {
  nowMs(): number
}

/** The system clock. */
export const systemClock: Clock = { nowMs: () => Date.now() }
