import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { MeteredTicket } from '../cdn/usage/usage-meter.ts'
import { systemClock, systemTimers } from './link-runtime.ts'
import type { Clock, TimerHandle, Timers } from './link-runtime.ts'

/** Completed transfers under one ticket: their bytes, and how many (1 when appended; more once coalesced). */
export interface ServedRecord {
  readonly ticket: MeteredTicket
  readonly bytes: bigint
  readonly requests: number
}

/** Records of one segment waiting for the next group commit, one per ticket nonce. */
type PendingRecords = Map<string, { readonly ticket: MeteredTicket; bytes: bigint; requests: number }>

const SEGMENT_FILE = /^(\d{16})\.log$/

/** Default least time between the starts of two group commits (ADR 0009, "Fifth session"). */
export const DEFAULT_USAGE_COMMIT_INTERVAL_MS = 50

export interface UsageWalOptions {
  /**
   * Least time from the start of one group commit to the start of the next; 0: one
   * after another. A transfer completed within the last interval may not be durable
   * yet, so this is what a `kill -9` can lose on top of the transfers in flight.
   */
  readonly commitIntervalMs?: number
  readonly clock?: Clock
  readonly timers?: Timers
}

/**
 * The served-bytes write-ahead log: `<dataDir>/usage/wal/<seq>.log`, JSON lines of
 * completed transfers, made durable by group commit: records appended while a write +
 * fdatasync is under way go together in the next one, so a burst costs one fsync, not
 * one per transfer. Within one commit the transfers of one ticket are one line (bytes
 * summed, `r` requests): none of them was durable before the commit, so nothing is
 * lost, and a hot ticket costs one ~500-byte line per fsync, not per request. Commits
 * start at most once per `commitIntervalMs` (the first after a quiet interval at once),
 * so a busy node pays ~20 fsyncs a second, not one after another; `flushed()` (sealing,
 * closing) commits at once. Sealing a usage batch rotates to a new segment; the batch file
 * records the first segment it does not cover (`walUpto`), so after a crash the
 * segments a journaled batch covers are skipped and the rest are replayed.
 */
export class UsageWal {
  readonly directory: string
  #segment = 0
  #pending = new Map<number, PendingRecords>()
  #flushing: Promise<void> | undefined
  #handles = new Map<number, Promise<FileHandle>>()
  #failures = 0
  readonly #commitIntervalMs: number
  readonly #clock: Clock
  readonly #timers: Timers
  /** When the last group commit started (-∞: none yet). */
  #lastCommitMs = Number.NEGATIVE_INFINITY
  /** The wait before the next commit, while one is scheduled: cut short by `flushed()`. */
  #wait: { readonly handle: TimerHandle; readonly wake: () => void } | undefined
  /** Callers of `flushed()` waiting: commits then start without waiting for the interval. */
  #hurried = 0

  constructor(dataDir: string, options: UsageWalOptions = {}) {
    this.directory = join(dataDir, 'usage', 'wal')
    this.#commitIntervalMs = options.commitIntervalMs ?? DEFAULT_USAGE_COMMIT_INTERVAL_MS
    this.#clock = options.clock ?? systemClock
    this.#timers = options.timers ?? systemTimers
  }

  /** Fsync failures so far (records then stay in memory only, as before the WAL). */
  get failures(): number {
    return this.#failures
  }

  /**
   * Opens the log: returns the records of segments at or above `coveredBelow` (not in
   * any journaled batch), deletes the covered ones, and starts a fresh segment.
   */
  async open(coveredBelow: number): Promise<ServedRecord[]> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 })
    const segments = (await readdir(this.directory)).flatMap((name) => {
      const seq = SEGMENT_FILE.exec(name)?.[1]
      return seq === undefined ? [] : [Number(seq)]
    })
    segments.sort((a, b) => a - b)
    const records: ServedRecord[] = []
    for (const seq of segments) {
      if (seq < coveredBelow) {
        await rm(this.#pathOf(seq), { force: true })
        continue
      }
      for (const line of (await readFile(this.#pathOf(seq), 'utf8')).split('\n')) {
        const record = parseRecord(line)
        // A torn last line (the crash hit mid-write) was never acknowledged durable: skipped.
        if (record !== undefined) records.push(record)
      }
    }
    this.#segment = Math.max(coveredBelow, (segments.at(-1) ?? -1) + 1)
    return records
  }

  /** Logs a completed transfer; durable once the next group commit finishes (see `flushed`). */
  append(record: Omit<ServedRecord, 'requests'> & { readonly requests?: number }): void {
    let records = this.#pending.get(this.#segment)
    if (records === undefined) {
      records = new Map()
      this.#pending.set(this.#segment, records)
    }
    const requests = record.requests ?? 1
    const pending = records.get(record.ticket.nonce)
    if (pending === undefined) records.set(record.ticket.nonce, { ticket: record.ticket, bytes: record.bytes, requests })
    else {
      pending.bytes += record.bytes
      pending.requests += requests
    }
    this.#flushing ??= this.#scheduleCommit()
  }

  /** Resolves once everything appended so far is on disk (a commit waiting for its interval starts now). */
  async flushed(): Promise<void> {
    this.#hurried += 1
    try {
      while (this.#flushing !== undefined) {
        this.#cutWaitShort()
        await this.#flushing
      }
    } finally {
      this.#hurried -= 1
    }
  }

  /** Starts a new segment for later records; returns its number (the segments below it are what the sealed batch covers). */
  rotate(): number {
    this.#segment += 1
    return this.#segment
  }

  /** Deletes the segments below `seq`, once their pending records are written. */
  async removeBelow(seq: number): Promise<void> {
    await this.flushed()
    for (const [segment, handle] of [...this.#handles]) {
      if (segment >= seq) continue
      this.#handles.delete(segment)
      await (await handle).close().catch(() => undefined)
    }
    for (const name of await readdir(this.directory)) {
      const segment = SEGMENT_FILE.exec(name)?.[1]
      if (segment !== undefined && Number(segment) < seq) await rm(join(this.directory, name), { force: true })
    }
  }

  async close(): Promise<void> {
    await this.flushed()
    for (const handle of this.#handles.values()) await (await handle).close().catch(() => undefined)
    this.#handles.clear()
  }

  /** The next group commit: after the current turn, and no sooner than the interval after the last one started. */
  async #scheduleCommit(): Promise<void> {
    // At most one interval, even if the wall clock stepped back since the last commit.
    const waitMs = this.#hurried > 0 ? 0 : Math.min(this.#commitIntervalMs, this.#lastCommitMs + this.#commitIntervalMs - this.#clock.nowMs())
    await new Promise<void>((resolve) => {
      if (waitMs <= 0) setImmediate(resolve)
      else this.#wait = { handle: this.#timers.setTimeout(resolve, waitMs), wake: resolve }
    })
    this.#wait = undefined
    await this.#commit()
    this.#flushing = this.#pending.size > 0 ? this.#scheduleCommit() : undefined
  }

  #cutWaitShort(): void {
    const wait = this.#wait
    if (wait === undefined) return
    this.#wait = undefined
    this.#timers.clearTimeout(wait.handle)
    wait.wake()
  }

  /** Writes and syncs everything pending, one segment after another. */
  async #commit(): Promise<void> {
    this.#lastCommitMs = this.#clock.nowMs()
    const group = this.#pending
    this.#pending = new Map()
    for (const [segment, records] of group) {
      let text = ''
      for (const { ticket, bytes, requests } of records.values()) text += `${JSON.stringify({ z: ticket.zone, n: ticket.nonce, t: ticket.token, b: String(bytes), ...(requests === 1 ? {} : { r: requests }) })}\n`
      try {
        const handle = await this.#handleOf(segment)
        await handle.write(text)
        await handle.datasync()
      } catch {
        this.#failures += 1
      }
    }
  }

  #handleOf(segment: number): Promise<FileHandle> {
    let handle = this.#handles.get(segment)
    if (handle === undefined) {
      handle = open(this.#pathOf(segment), 'a', 0o600)
      this.#handles.set(segment, handle)
    }
    return handle
  }

  #pathOf(seq: number): string {
    return join(this.directory, `${String(seq).padStart(16, '0')}.log`)
  }
}

function parseRecord(line: string): ServedRecord | undefined {
  if (line.trim() === '') return undefined
  try {
    const value: unknown = JSON.parse(line)
    // A record without its token (written before ADR 0016) could never bill: skipped.
    if (typeof value !== 'object' || value === null || !('z' in value) || !('n' in value) || !('b' in value) || !('t' in value)) return undefined
    const { z, n, b, t } = value
    if (typeof z !== 'string' || typeof n !== 'string' || typeof t !== 'string' || typeof b !== 'string' || !/^\d{1,30}$/.test(b)) return undefined
    // `r`: requests coalesced into the line; absent for one (and in logs written before it existed).
    const r = 'r' in value ? value.r : 1
    if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1) return undefined
    return { ticket: { zone: z, nonce: n, token: t }, bytes: BigInt(b), requests: r }
  } catch {
    return undefined
  }
}
