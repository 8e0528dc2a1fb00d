import type { CID } from 'multiformats/cid'
import type { UpstreamAnswer, UpstreamClient } from '../../gateway/block-source.ts'
import { MAX_BLOCK_BYTES } from '../../gateway/verified-block-fetcher.ts'

/** `fetch` as the client uses it (injected in tests). */
export type FetchFunction = (input: string, init: { readonly signal: AbortSignal; readonly headers: Record<string, string> }) => Promise<Response>

/**
 * Asks an upstream trustless gateway for one block: `GET <upstream>/ipfs/<cid>?format=raw`
 * with `Accept: application/vnd.ipld.raw` (trustless gateway spec). The body is read up
 * to {@link MAX_BLOCK_BYTES} + 1 bytes, so an oversized answer is refused without being
 * buffered whole. Nothing here trusts the bytes: the fetcher verifies them.
 */
export function createUpstreamHttpClient(fetchFunction: FetchFunction = fetch): UpstreamClient {
  return {
    async fetchBlock(upstream: string, cid: CID, signal: AbortSignal): Promise<UpstreamAnswer> {
      const base = upstream.endsWith('/') ? upstream.slice(0, -1) : upstream
      try {
        const response = await fetchFunction(`${base}/ipfs/${cid.toString()}?format=raw`, { signal, headers: { accept: 'application/vnd.ipld.raw' } })
        if (response.status === 404 || response.status === 410) {
          await response.body?.cancel()
          return { kind: 'missing' }
        }
        if (response.status !== 200 || response.body === null) {
          await response.body?.cancel()
          return { kind: 'failed' }
        }
        const bytes = await readCapped(response.body, MAX_BLOCK_BYTES + 1)
        return { kind: 'found', bytes }
      } catch {
        return signal.aborted ? { kind: 'timeout' } : { kind: 'failed' }
      }
    },
  }
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of body) {
    total += chunk.length
    chunks.push(chunk)
    if (total >= maxBytes) {
      await body.cancel().catch(() => undefined)
      break
    }
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, total)
}
