import type { CID } from 'multiformats/cid'
import { isSupportedCodec } from './block-codecs.ts'
import type { BlockCache, BlockReadOptions, BlockSource, UpstreamClient } from './block-source.ts'
import { GatewayError } from './gateway-error.ts'
import { UpstreamHealth } from './upstream-health.ts'
import { IDENTITY, isBlockValid, isSupportedMultihash } from './verify-block.ts'

/** What the fetcher reports (metrics); plain calls, nothing logged per block. */
export interface FetcherObserver {
  cacheHit(): void
  fetched(upstream: string, sizeBytes: number): void
  badBlock(upstream: string): void
}

export interface VerifiedBlockFetcherInit {
  readonly cache: BlockCache
  readonly upstreams: readonly string[]
  readonly client: UpstreamClient
  /** How long one upstream may take for one block before the next is asked. */
  readonly upstreamTimeoutMs: number
  /** How long an upstream that sent a bad block stays dropped. */
  readonly badUpstreamCooldownMs: number
  readonly nowMs: () => number
  readonly observer?: FetcherObserver
}

/** Largest block accepted from an upstream (the trustless gateway spec's 2 MiB block limit, with margin). */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024

/**
 * The gateway's block source: the verified cache first, then the upstream trustless
 * gateways in order. Every upstream block is hashed and compared with its CID before it
 * is cached or returned; a mismatch is dropped, counted, and its upstream marked bad.
 * Concurrent reads of one CID share one fetch, so a popular CID is fetched once per node.
 */
export class VerifiedBlockFetcher implements BlockSource {
  readonly #init: VerifiedBlockFetcherInit
  readonly #health: UpstreamHealth
  readonly #inFlight = new Map<string, Promise<Uint8Array>>()
  /** Verified blocks whose cache write has not finished yet. */
  readonly #writing = new Map<string, Uint8Array>()

  constructor(init: VerifiedBlockFetcherInit) {
    this.#init = init
    this.#health = new UpstreamHealth(init.upstreams, init.badUpstreamCooldownMs)
  }

  /** True while `upstream` is dropped for having sent a bad block. */
  isUpstreamBad(upstream: string): boolean {
    return this.#health.isBad(upstream, this.#init.nowMs())
  }

  async hasLocalBlock(cid: CID): Promise<boolean> {
    if (cid.multihash.code === IDENTITY) return true
    return this.#writing.has(cid.toString()) || (await this.#init.cache.get(cid)) !== undefined
  }

  async getBlock(cid: CID, options: BlockReadOptions = {}): Promise<Uint8Array> {
    if (!isSupportedMultihash(cid)) throw new GatewayError('UNSUPPORTED_CODEC', `Multihash 0x${cid.multihash.code.toString(16)} cannot be verified here.`)
    if (!isSupportedCodec(cid.code)) throw new GatewayError('UNSUPPORTED_CODEC', `Codec 0x${cid.code.toString(16)} is not served by this gateway.`)
    // An identity CID carries its block: nothing to fetch or verify (the `bafkqaaa` probe).
    if (cid.multihash.code === IDENTITY) return cid.multihash.digest
    const key = cid.toString()
    const cached = this.#writing.get(key) ?? (await this.#init.cache.get(cid))
    if (cached !== undefined) {
      this.#init.observer?.cacheHit()
      return cached
    }
    let pending = this.#inFlight.get(key)
    if (pending === undefined) {
      pending = this.#fetchAndVerify(cid).finally(() => this.#inFlight.delete(key))
      this.#inFlight.set(key, pending)
    }
    if (options.signal === undefined) return pending
    return raceAbort(pending, options.signal)
  }

  async #fetchAndVerify(cid: CID): Promise<Uint8Array> {
    const init = this.#init
    let timedOut = false
    let sawBadBlock = false
    for (const upstream of this.#health.usable(init.nowMs())) {
      const answer = await init.client.fetchBlock(upstream, cid, AbortSignal.timeout(init.upstreamTimeoutMs))
      if (answer.kind === 'timeout') timedOut = true
      if (answer.kind !== 'found') continue
      if (answer.bytes.length <= MAX_BLOCK_BYTES && (await isBlockValid(cid, answer.bytes))) {
        // Stored in the background: the durable write (fsync) need not delay serving a
        // block already verified. Until it lands, reads are answered from #writing.
        const key = cid.toString()
        this.#writing.set(key, answer.bytes)
        void init.cache
          .put(cid, answer.bytes)
          .catch(() => undefined)
          .finally(() => this.#writing.delete(key))
        init.observer?.fetched(upstream, answer.bytes.length)
        return answer.bytes
      }
      sawBadBlock = true
      init.observer?.badBlock(upstream)
      this.#health.markBad(upstream, init.nowMs())
    }
    if (sawBadBlock) throw new GatewayError('BLOCK_UNVERIFIED', `Upstreams sent a block that does not match ${cid.toString()}; it was dropped.`)
    if (timedOut) throw new GatewayError('BLOCK_TIMEOUT', `No upstream delivered ${cid.toString()} in time.`)
    throw new GatewayError('BLOCK_NOT_FOUND', `No upstream has ${cid.toString()}.`)
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new GatewayError('BLOCK_TIMEOUT', 'The block read was aborted.'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new GatewayError('BLOCK_TIMEOUT', 'The block read was aborted.'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new GatewayError('BLOCK_NOT_FOUND', 'The block read failed.', { cause: error }))
      },
    )
  })
}
