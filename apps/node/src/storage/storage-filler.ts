import { silentLogger } from '../cdn/engine/logger.ts'
import type { Logger } from '../cdn/engine/logger.ts'
import { NODE_API_ERROR_CODES } from '@meson/protocol'
import { coordinatorErrorOf, isTransientStatus } from '../link/coordinator-http.ts'
import type { CoordinatorReply } from '../link/coordinator-http.ts'
import { systemTimers } from '../link/link-runtime.ts'
import type { TimerHandle, Timers } from '../link/link-runtime.ts'
import type { StorageFillStore } from './fill-store.ts'
import { describeCoordinatorReply } from './storage-requests.ts'
import type { StorageRequests } from './storage-requests.ts'

export const DEFAULT_STORAGE_FILL_INTERVAL_MS = 60_000
/** Segments asked for in one tick, at most (the rest waits for the next tick). */
export const DEFAULT_MAX_SEGMENTS_PER_TICK = 16
/** Largest release message (storageReleaseSchema). */
const MAX_RELEASE_SEGMENTS = 10_000

export interface StorageFillerOptions {
  /** The disk the node offers (`diskQuotaBytes` of its registration, `--cache-size`). */
  readonly quotaBytes: bigint
  /** Left free on top of cache and fill; default 5 % of the quota. */
  readonly headroomBytes?: bigint
  readonly intervalMs: number
  readonly maxSegmentsPerTick?: number
}

export interface StorageFillerDependencies {
  readonly store: StorageFillStore
  readonly requests: StorageRequests
  /** Bytes the cache stores now. */
  readonly cacheBytes: () => number
  /** The filler asks for nothing until the node is registered. */
  readonly isRegistered: () => boolean
  /**
   * The coordinator key the link fetched (raw). The coordinator derives its fill from
   * its key, so fill taken under another key can never be proved: it is all given back.
   */
  readonly coordinatorKey?: () => Uint8Array | undefined
  /** Called once a segment is confirmed (the cheating harness drops it here). */
  readonly onHeld?: (segment: number) => Promise<void>
  readonly timers?: Timers
  readonly logger?: Logger
}

/** Why a tick stopped asking, and what it did. */
export interface FillTickReport {
  readonly filled: readonly number[]
  readonly released: readonly number[]
  readonly stoppedBy: 'not-registered' | 'full' | 'coordinator-has-none' | 'per-tick-cap' | 'unreachable' | 'refused'
}

/**
 * Fills the disk the node offers and its cache does not use with the coordinator's
 * segments (ADR 0012, "Verified disk"), so the coordinator can prove the disk is there.
 * Each tick: confirm segments left pending by a crash, give room back when the cache
 * grew (newest segments first, one release), then ask for segments while there is room
 * and the coordinator keeps giving. A failure waits for the next tick.
 */
export class StorageFiller {
  readonly #options: Required<StorageFillerOptions>
  readonly #dependencies: StorageFillerDependencies
  readonly #timers: Timers
  readonly #logger: Logger
  #timer: TimerHandle | undefined
  #running = false
  #inflight: Promise<unknown> = Promise.resolve()
  #queue: Promise<unknown> = Promise.resolve()
  /** Aborted by stop(): a segment being streamed is given up, not awaited for minutes. */
  readonly #abort = new AbortController()

  constructor(options: StorageFillerOptions, dependencies: StorageFillerDependencies) {
    this.#options = {
      quotaBytes: options.quotaBytes,
      headroomBytes: options.headroomBytes ?? options.quotaBytes / 20n,
      intervalMs: options.intervalMs,
      maxSegmentsPerTick: options.maxSegmentsPerTick ?? DEFAULT_MAX_SEGMENTS_PER_TICK,
    }
    this.#dependencies = dependencies
    this.#timers = dependencies.timers ?? systemTimers
    this.#logger = dependencies.logger ?? silentLogger
  }

  /** Runs a tick now, then one every `intervalMs` after the previous one ended. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#schedule(0)
  }

  /** No more ticks; aborts a segment being streamed and waits for the tick in progress. */
  async stop(): Promise<void> {
    this.#running = false
    this.#abort.abort()
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#inflight
  }

  /** Room for fill now: quota − cache − fill held − headroom (negative: the cache grew into it). */
  freeBytes(): bigint {
    const { store, cacheBytes } = this.#dependencies
    return this.#options.quotaBytes - BigInt(cacheBytes()) - BigInt(store.heldBytes) - this.#options.headroomBytes
  }

  /**
   * One tick (tests call it directly); a tick asked for while one runs waits for it, so
   * two never interleave their reads of the room left. Never throws for a coordinator's answer.
   */
  tick(): Promise<FillTickReport> {
    const next = this.#queue.then(() => this.#tickOnce())
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #tickOnce(): Promise<FillTickReport> {
    if (!this.#dependencies.isRegistered()) return { filled: [], released: [], stoppedBy: 'not-registered' }
    await this.#followCoordinatorKey()
    for (const info of this.#dependencies.store.segments()) {
      if (info.state === 'pending' && info.sha256 !== undefined && !this.#dependencies.store.isReleasing(info.segment)) await this.#confirm(info.segment, info.sha256)
    }
    const free = this.freeBytes()
    if (free < 0n) await this.#shrink(-free)
    const released = await this.#sendReleases()
    // Room just given back is not asked for again in the same tick: no churn while the cache moves.
    if (free < 0n) return { filled: [], released, stoppedBy: 'full' }
    const filled: number[] = []
    for (let asked = 0; asked < this.#options.maxSegmentsPerTick; asked += 1) {
      const room = this.freeBytes()
      if (room <= 0n) return { filled, released, stoppedBy: 'full' }
      const outcome = await this.#fillOne(Number(room > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : room))
      if (typeof outcome === 'number') filled.push(outcome)
      else return { filled, released, stoppedBy: outcome }
    }
    return { filled, released, stoppedBy: 'per-tick-cap' }
  }

  async #fillOne(maxBytes: number): Promise<number | 'coordinator-has-none' | 'unreachable' | 'refused'> {
    const { store, requests } = this.#dependencies
    if (this.#abort.signal.aborted) return 'unreachable'
    const reply = await requests.fill(maxBytes, this.#abort.signal)
    if (reply.kind === 'none') return 'coordinator-has-none'
    if (reply.kind === 'unreachable') {
      this.#logger.warn({ reason: reply.reason }, 'storage fill: coordinator unreachable; retrying next tick')
      return 'unreachable'
    }
    if (reply.kind === 'refused') {
      this.#logger.warn({ status: reply.status, reason: reply.reason }, 'storage fill refused; retrying next tick')
      return 'refused'
    }
    if (reply.declaredBytes !== undefined && reply.declaredBytes > maxBytes) {
      await reply.cancel()
      this.#logger.warn({ segment: reply.segment, bytes: reply.declaredBytes, maxBytes }, 'storage fill: the segment is longer than asked for; not stored')
      return 'refused'
    }
    let written
    try {
      written = await store.write(reply.segment, reply.body, maxBytes)
    } catch (error) {
      await reply.cancel()
      this.#logger.warn({ segment: reply.segment, reason: error instanceof Error ? error.message : String(error) }, 'storage fill: the segment did not arrive whole')
      return 'unreachable'
    }
    if (!written.ok) {
      await reply.cancel()
      this.#logger.warn({ segment: reply.segment, reason: written.reason, maxBytes }, 'storage fill: segment not stored')
      return 'refused'
    }
    const confirmed = await this.#confirm(reply.segment, written.sha256)
    return confirmed === 'held' || confirmed === 'retry' ? reply.segment : 'refused'
  }

  /** Confirms a written segment: held, kept pending (retry next tick), or deleted (digest refused). */
  async #confirm(segment: number, sha256: string): Promise<'held' | 'retry' | 'rejected'> {
    const { store, requests } = this.#dependencies
    const reply = await requests.confirm(segment, sha256)
    if (reply.kind === 'response' && reply.status >= 200 && reply.status < 300) {
      await store.markHeld(segment)
      await this.#dependencies.onHeld?.(segment)
      return 'held'
    }
    if (!isFinalRefusal(reply)) {
      this.#logger.warn({ segment, reason: describeCoordinatorReply(reply) }, 'storage confirm failed; confirming again next tick')
      return 'retry'
    }
    await store.delete(segment)
    this.#logger.warn({ segment, reason: describeCoordinatorReply(reply) }, 'storage confirm refused; segment deleted')
    return 'rejected'
  }

  /** Gives every segment back when the coordinator key is not the one they were filled under. */
  async #followCoordinatorKey(): Promise<void> {
    const raw = this.#dependencies.coordinatorKey?.()
    if (raw === undefined) return
    const { store } = this.#dependencies
    const key = Buffer.from(raw).toString('base64url')
    const previous = store.fillKey()
    if (previous === key) return
    if (previous !== undefined) {
      const segments = store.segments()
      for (const info of segments) await store.release(info.segment)
      if (segments.length > 0) this.#logger.info({ segments: segments.length }, 'the coordinator key changed: its earlier fill can no longer be proved; gave it back')
    }
    await store.setFillKey(key)
  }

  /**
   * Releases the newest segments until `deficit` bytes are on their way back (counting
   * those already released and not yet acknowledged). Their files go once the coordinator
   * acknowledges the release (#sendReleases), never before: a challenge planned before it
   * still finds its bytes.
   */
  async #shrink(deficit: bigint): Promise<void> {
    const { store } = this.#dependencies
    let freed = 0n
    for (const info of store.segments()) if (store.isReleasing(info.segment)) freed += BigInt(info.size)
    let released = 0n
    for (const info of [...store.segments()].reverse()) {
      if (freed >= deficit) break
      if (store.isReleasing(info.segment)) continue
      await store.release(info.segment)
      freed += BigInt(info.size)
      released += BigInt(info.size)
    }
    if (released > 0n) this.#logger.info({ releasedBytes: released }, 'the cache grew: giving storage-proof segments back')
  }

  /** Sends the releases not yet acknowledged; returns the ones acknowledged now. */
  async #sendReleases(): Promise<number[]> {
    const { store, requests } = this.#dependencies
    const pending = store.pendingReleases()
    const done: number[] = []
    for (let start = 0; start < pending.length; start += MAX_RELEASE_SEGMENTS) {
      const batch = pending.slice(start, start + MAX_RELEASE_SEGMENTS)
      const reply = await requests.release(batch)
      if (reply.kind === 'unreachable' || (reply.status >= 300 && !isFinalRefusal(reply))) {
        this.#logger.warn({ segments: batch.length, reason: describeCoordinatorReply(reply) }, 'storage release failed; sending it again next tick')
        break
      }
      // A final refusal will not change on resend.
      if (reply.status >= 300) this.#logger.warn({ segments: batch.length, reason: describeCoordinatorReply(reply) }, 'storage release refused; forgetting it')
      await store.forgetReleases(batch)
      done.push(...batch)
    }
    return done
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined
      this.#inflight = this.tick()
        .catch((error: unknown) => this.#logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'storage fill tick failed'))
        .finally(() => {
          if (this.#running) this.#schedule(this.#options.intervalMs)
        })
    }, delayMs)
  }
}

/**
 * A refusal that resending the same message cannot turn around: 409/422 (wrong digest,
 * replay), a 404 that is not NODE_UNKNOWN (segment never served, released or lost), a 400
 * that is not NODE_CLOCK_SKEW. Everything else — network, 408/429/5xx, 401/403, NODE_UNKNOWN
 * (the coordinator lost track of the node until it registers again), a skewed clock — may
 * pass later, so it is retried next tick.
 */
function isFinalRefusal(reply: CoordinatorReply): boolean {
  if (reply.kind === 'unreachable' || isTransientStatus(reply.status)) return false
  const code = coordinatorErrorOf(reply.body)?.code
  if (reply.status === 409 || reply.status === 422) return true
  if (reply.status === 404) return code !== NODE_API_ERROR_CODES.nodeUnknown
  if (reply.status === 400) return code !== 'NODE_CLOCK_SKEW'
  return false
}
