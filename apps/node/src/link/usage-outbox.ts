import type { KeyObject } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { MAX_USAGE_LINES, newUsageBatchId } from '@meson/protocol'
import type { NodeId, VerifyKey } from '@meson/protocol'
import { backoffDelayMs, DEFAULT_BACKOFF_POLICY } from './backoff-delay.ts'
import type { BackoffPolicy } from './backoff-delay.ts'
import { systemClock, systemTimers } from './link-runtime.ts'
import { silentLogger } from '../cdn/engine/logger.ts'
import type { Clock, LinkLogger, RandomSource, TimerHandle, Timers } from './link-runtime.ts'
import { sealUsageBatch } from './sealed-usage-batch.ts'
import type { SealedUsageBatch } from './sealed-usage-batch.ts'
import type { UsageJournal } from './usage-journal.ts'
import { UsageMeter } from '../cdn/usage/usage-meter.ts'
import type { MeteredTicket } from '../cdn/usage/usage-meter.ts'
import type { UsageWal } from './usage-wal.ts'
import type { UsageDelivery, UsageTransport } from './usage-transport.ts'

export const DEFAULT_USAGE_FLUSH_INTERVAL_MS = 10_000

export interface UsageOutboxEvents {
  sealed: [info: { readonly batchId: string; readonly lines: number }]
  acknowledged: [info: { readonly batchId: string }]
  rejected: [info: { readonly batchId: string; readonly status: number; readonly code: string; readonly message: string }]
  retry: [info: { readonly batchId: string; readonly attempt: number; readonly retryInMs: number; readonly reason: string }]
  'seal-failed': [info: { readonly lines: number; readonly reason: string }]
}

export interface UsageOutboxOptions {
  readonly nodeId: NodeId
  readonly privateKey: KeyObject
  /** The node's own public key, to check journal files before resending them. */
  readonly publicKey: VerifyKey
  /** Seal what accrued at least this often (the crash-loss window). */
  readonly flushIntervalMs?: number
  /** Seal as soon as this many tickets have unreported bytes. */
  readonly maxLinesPerBatch?: number
  readonly backoff?: BackoffPolicy
}

export interface UsageOutboxDependencies {
  readonly journal: UsageJournal
  /**
   * The served-bytes log: each recorded transfer is made durable (group commit) so a
   * kill -9 loses at most the transfers in flight, not the last flush interval.
   */
  readonly wal?: UsageWal
  readonly transport: UsageTransport
  readonly clock?: Clock
  readonly timers?: Timers
  readonly random?: RandomSource
  readonly logger?: LinkLogger
  readonly newBatchId?: () => string
}

/**
 * Meters bytes served per ticket and reports them to the coordinator durably
 * (DESIGN.md §8): every `flushIntervalMs` (or `maxLinesPerBatch` tickets) the lines
 * are sealed into a signed batch, journaled to disk, and only then sent, one batch at
 * a time, oldest first, with capped jittered backoff until the coordinator
 * acknowledges. Batches left on disk are resent at the next start; the coordinator
 * applies a batch id once, so a resend is harmless.
 */
export class UsageOutbox extends EventEmitter<UsageOutboxEvents> {
  readonly #options: UsageOutboxOptions
  readonly #journal: UsageJournal
  readonly #wal: UsageWal | undefined
  readonly #transport: UsageTransport
  readonly #clock: Clock
  readonly #timers: Timers
  readonly #random: RandomSource
  readonly #logger: LinkLogger
  readonly #newBatchId: () => string
  readonly #meter = new UsageMeter()
  readonly #queue: SealedUsageBatch[] = []
  readonly #flushIntervalMs: number
  readonly #maxLinesPerBatch: number
  #mode: 'idle' | 'running' | 'draining' | 'stopped' = 'idle'
  #attempt = 0
  #flushTimer: TimerHandle | undefined
  #retryTimer: TimerHandle | undefined
  #delivering: Promise<void> | undefined
  #sealing: Promise<void> = Promise.resolve()

  constructor(options: UsageOutboxOptions, dependencies: UsageOutboxDependencies) {
    super()
    this.#options = options
    this.#journal = dependencies.journal
    this.#wal = dependencies.wal
    this.#transport = dependencies.transport
    this.#clock = dependencies.clock ?? systemClock
    this.#timers = dependencies.timers ?? systemTimers
    this.#random = dependencies.random ?? Math.random
    this.#logger = dependencies.logger ?? silentLogger
    this.#newBatchId = dependencies.newBatchId ?? newUsageBatchId
    this.#flushIntervalMs = options.flushIntervalMs ?? DEFAULT_USAGE_FLUSH_INTERVAL_MS
    this.#maxLinesPerBatch = Math.min(options.maxLinesPerBatch ?? MAX_USAGE_LINES, MAX_USAGE_LINES)
  }

  /** Batches sealed but not yet acknowledged. */
  get pendingBatches(): number {
    return this.#queue.length
  }

  /** Bytes served that are in memory only (lost if the process dies now). */
  get unsealedBytes(): bigint {
    return this.#meter.unreportedBytes
  }

  /** Counts `bytes` served under `ticket`. */
  record(ticket: MeteredTicket, bytes: bigint): void {
    this.#meter.record(ticket, bytes)
    if (bytes > 0n) this.#wal?.append({ ticket, bytes })
    if (this.#meter.lineCount >= this.#maxLinesPerBatch) void this.sealNow()
  }

  /** Opens the journal, queues the batches a previous run left, and starts sending. */
  async start(): Promise<void> {
    if (this.#mode !== 'idle') return
    await this.#journal.open()
    const pending = await this.#journal.loadPending(this.#options.publicKey)
    if (pending.length > 0) this.#logger.info({ batches: pending.length }, 'resending usage batches left by the previous run')
    this.#queue.unshift(...pending)
    if (this.#wal !== undefined) {
      // Transfers the previous run logged but never sealed into a journaled batch.
      const coveredBelow = Math.max(0, ...pending.map((batch) => batch.walUpto ?? 0))
      const replayed = await this.#wal.open(coveredBelow)
      for (const record of replayed) this.#meter.record(record.ticket, record.bytes, record.requests)
      if (replayed.length > 0) this.#logger.info({ transfers: replayed.length }, 'recovered served bytes logged by the previous run')
    }
    this.#mode = 'running'
    this.#scheduleFlush()
    this.#pump()
    if (this.#meter.lineCount > 0) void this.sealNow()
  }

  /** Seals everything metered so far into journaled batches (then sends them). */
  sealNow(): Promise<void> {
    this.#sealing = this.#sealing
      .then(() => this.#sealAll())
      .catch((error: unknown) => {
        // Keep the chain usable: one failed seal must not block every later one.
        this.#logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'sealing usage failed')
      })
    return this.#sealing
  }

  /**
   * Stops timers and sending; the one lifecycle is `start()`/`stop()`. With
   * `{ drain: true }` (SIGTERM, after in-flight transfers finished) it first seals what
   * is in memory and tries each pending batch once; without it nothing is sealed and
   * unsealed usage is logged as lost. What the coordinator did not acknowledge stays
   * journaled and is resent at the next start. Answers the batches still pending.
   */
  async stop(options: { readonly drain?: boolean } = {}): Promise<{ readonly pendingBatches: number }> {
    if (options.drain === true) await this.#drain()
    const wasStopped = this.#mode === 'stopped'
    this.#mode = 'stopped'
    this.#cancelTimers()
    await this.#sealing
    await this.#delivering
    await this.#wal?.close()
    if (!wasStopped && this.#meter.lineCount > 0) {
      this.#logger.warn({ bytes: String(this.#meter.unreportedBytes), tickets: this.#meter.lineCount }, 'stopped with unsealed usage; it is not reported')
    }
    return { pendingBatches: this.#queue.length }
  }

  async #drain(): Promise<void> {
    if (this.#mode === 'stopped') return
    this.#mode = 'draining'
    this.#cancelTimers()
    await this.sealNow()
    await this.#delivering
    for (const batch of [...this.#queue]) {
      const delivery = await this.#send(batch)
      // Unreachable: the rest would fail the same way; do not hold up the shutdown.
      if (delivery.outcome === 'retry') break
      await this.#settle(batch, delivery)
    }
    this.#mode = 'stopped'
    await this.#wal?.close()
  }

  async #sealAll(): Promise<void> {
    if (this.#meter.lineCount === 0) return
    // All lines at once, with the log rotated in the same turn: the batches below cover
    // exactly the log segments before `walUpto`, and later transfers go to the next one.
    const allLines = this.#meter.takeLines(Number.MAX_SAFE_INTEGER)
    const walUpto = this.#wal?.rotate()
    for (let start = 0; start < allLines.length; start += this.#maxLinesPerBatch) {
      const lines = allLines.slice(start, start + this.#maxLinesPerBatch)
      const sealed = sealUsageBatch({ batchId: this.#newBatchId(), nodeId: this.#options.nodeId, privateKey: this.#options.privateKey, createdAtMs: this.#clock.nowMs(), lines })
      const batch = walUpto === undefined ? sealed : { ...sealed, walUpto }
      try {
        await this.#journal.append(batch)
      } catch (error) {
        // Not durable, so not sent: keep the lines in memory and try at the next flush
        // (their log segments stay until a later batch covers them).
        this.#meter.restore(allLines.slice(start))
        const reason = error instanceof Error ? error.message : String(error)
        this.#logger.error({ lines: lines.length, reason }, 'could not journal a usage batch; keeping it in memory')
        this.emit('seal-failed', { lines: lines.length, reason })
        this.#pump()
        return
      }
      this.#queue.push(batch)
      this.emit('sealed', { batchId: batch.batchId, lines: lines.length })
    }
    // Journaled: the covered log segments go, before the batch can be acknowledged and removed.
    if (walUpto !== undefined) await this.#wal?.removeBelow(walUpto).catch((error: unknown) => {
      this.#logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not remove sealed served-bytes log segments')
    })
    this.#pump()
  }

  #scheduleFlush(): void {
    if (this.#mode !== 'running') return
    this.#flushTimer = this.#timers.setTimeout(() => {
      this.#flushTimer = undefined
      void this.sealNow().finally(() => this.#scheduleFlush())
    }, this.#flushIntervalMs)
  }

  #pump(): void {
    if (this.#mode !== 'running' || this.#delivering !== undefined || this.#retryTimer !== undefined) return
    const batch = this.#queue[0]
    if (batch === undefined) return
    this.#delivering = this.#deliver(batch).then(() => {
      this.#delivering = undefined
      this.#pump()
    })
  }

  async #deliver(batch: SealedUsageBatch): Promise<void> {
    const delivery = await this.#send(batch)
    if (delivery.outcome !== 'retry') {
      this.#attempt = 0
      await this.#settle(batch, delivery)
      return
    }
    if (this.#mode !== 'running') return
    const retryInMs = backoffDelayMs(this.#attempt, this.#options.backoff ?? DEFAULT_BACKOFF_POLICY, this.#random)
    this.#attempt += 1
    this.#logger.warn({ batchId: batch.batchId, attempt: this.#attempt, retryInMs, reason: delivery.reason }, 'usage batch not acknowledged; retrying')
    this.#retryTimer = this.#timers.setTimeout(() => {
      this.#retryTimer = undefined
      this.#pump()
    }, retryInMs)
    this.emit('retry', { batchId: batch.batchId, attempt: this.#attempt, retryInMs, reason: delivery.reason })
  }

  async #send(batch: SealedUsageBatch): Promise<UsageDelivery> {
    try {
      return await this.#transport(batch.envelope)
    } catch (error) {
      return { outcome: 'retry', reason: error instanceof Error ? error.message : String(error) }
    }
  }

  async #settle(batch: SealedUsageBatch, delivery: Exclude<UsageDelivery, { outcome: 'retry' }>): Promise<void> {
    const index = this.#queue.indexOf(batch)
    if (index !== -1) this.#queue.splice(index, 1)
    try {
      if (delivery.outcome === 'acknowledged') await this.#journal.remove(batch)
      else await this.#journal.moveToRejected(batch)
    } catch (error) {
      // The coordinator already has the batch (or refused it): a leftover file is only resent, harmlessly.
      this.#logger.error({ batchId: batch.batchId, reason: error instanceof Error ? error.message : String(error) }, 'could not clear a settled usage batch file')
    }
    if (delivery.outcome === 'acknowledged') {
      this.emit('acknowledged', { batchId: batch.batchId })
      return
    }
    this.#logger.error({ batchId: batch.batchId, status: delivery.status, code: delivery.code, message: delivery.message }, 'the coordinator rejected a usage batch; moved it to usage/rejected/')
    this.emit('rejected', { batchId: batch.batchId, status: delivery.status, code: delivery.code, message: delivery.message })
  }

  #cancelTimers(): void {
    if (this.#flushTimer !== undefined) this.#timers.clearTimeout(this.#flushTimer)
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer)
    this.#flushTimer = undefined
    this.#retryTimer = undefined
  }
}
