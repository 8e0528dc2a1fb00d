/**
 * How the leader's fill ended, as its followers need to know it:
 * - `stored`: the response is in the store; followers look it up and serve it.
 * - `not-shared`: the response may not be shared (not storable, too big, Range-only):
 *   followers ask the origin themselves (RFC 9111 §4: a response may only serve
 *   other requests if it could be stored).
 * - `failed`: the origin failed for the leader; followers ask the origin themselves.
 */
export type FillOutcome = 'stored' | 'not-shared' | 'failed'

/** What a request that joined the collapser is: the one that fetches, or one that waits. */
export type CollapseTicket =
  | { readonly role: 'leader'; readonly settle: (outcome: FillOutcome) => void }
  | { readonly role: 'follower'; readonly outcome: Promise<FillOutcome | 'timed-out'> }

/** Makes N concurrent misses for one key into one origin request. */
export interface RequestCollapser {
  /** The first caller for a key leads until it settles; callers meanwhile follow. */
  join(key: string): CollapseTicket
  /** Is a fill for this key in flight? */
  isInFlight(key: string): boolean
  /** Keys with a fill in flight. */
  readonly inFlightCount: number
}

export interface RequestCollapserOptions {
  /** A follower stops waiting after this and goes to the origin itself. */
  readonly waitTimeoutMs: number
  /** Called for each follower (metrics). */
  readonly onFollower?: () => void
}

interface InFlightFill {
  readonly outcome: Promise<FillOutcome>
  readonly resolve: (outcome: FillOutcome) => void
}

/** Creates an in-memory collapser. Followers are released when the leader settles or their wait times out. */
export function createRequestCollapser(options: RequestCollapserOptions): RequestCollapser {
  const fills = new Map<string, InFlightFill>()

  function join(key: string): CollapseTicket {
    const existing = fills.get(key)
    if (existing !== undefined) {
      options.onFollower?.()
      return { role: 'follower', outcome: waitBounded(existing.outcome, options.waitTimeoutMs) }
    }
    const { promise, resolve } = Promise.withResolvers<FillOutcome>()
    const fill: InFlightFill = { outcome: promise, resolve }
    fills.set(key, fill)
    let isSettled = false
    return {
      role: 'leader',
      settle(outcome) {
        if (isSettled) return
        isSettled = true
        if (fills.get(key) === fill) fills.delete(key)
        resolve(outcome)
      },
    }
  }

  return {
    join,
    isInFlight: (key) => fills.has(key),
    get inFlightCount() {
      return fills.size
    },
  }
}

function waitBounded(outcome: Promise<FillOutcome>, timeoutMs: number): Promise<FillOutcome | 'timed-out'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timed-out'), timeoutMs)
    void outcome.then((value) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}
