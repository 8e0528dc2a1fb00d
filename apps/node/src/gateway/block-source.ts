import type { CID } from 'multiformats/cid'

/** Options of one block read. */
export interface BlockReadOptions {
  readonly signal?: AbortSignal
}

/**
 * The port the gateway reads blocks through: every block it returns has been checked
 * against its CID. Throws a GatewayError (BLOCK_NOT_FOUND, BLOCK_TIMEOUT,
 * BLOCK_UNVERIFIED, UNSUPPORTED_CODEC) when no verified block can be had.
 */
export interface BlockSource {
  getBlock(cid: CID, options?: BlockReadOptions): Promise<Uint8Array>
  /**
   * True when `getBlock(cid)` would be answered without asking an upstream (a verified
   * block held here, or an identity CID). Absent: the source holds all it will ever have.
   */
  hasLocalBlock?(cid: CID): Promise<boolean>
}

/**
 * Verified blocks kept by CID, shared by every zone (a CID names immutable bytes). Only
 * the fetcher writes here, and only after verification.
 */
export interface BlockCache {
  get(cid: CID): Promise<Uint8Array | undefined>
  put(cid: CID, bytes: Uint8Array): Promise<void>
}

/** What one upstream said about a block. */
export type UpstreamAnswer = { readonly kind: 'found'; readonly bytes: Uint8Array } | { readonly kind: 'missing' } | { readonly kind: 'timeout' } | { readonly kind: 'failed' }

/**
 * Asks one upstream trustless gateway for one block (`GET /ipfs/<cid>?format=raw`).
 * Never throws: network errors are `failed`, an abort by `signal` is `timeout`.
 */
export interface UpstreamClient {
  fetchBlock(upstream: string, cid: CID, signal: AbortSignal): Promise<UpstreamAnswer>
}
