import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { StoredResponse } from '../cdn/policy/stored-response.ts'
import type { CacheEntry, CacheStore } from '../cdn/store/cache-store.ts'

/** Test support for the store's tests (not a test file itself). */

export type NewResponse = Omit<StoredResponse, 'sizeBytes' | 'sha256'>

/** A plausible stored response for a primary key. */
export function sampleResponse(primaryKey: string, overrides: Partial<NewResponse> = {}): NewResponse {
  return {
    primaryKey,
    secondaryKey: '',
    status: 200,
    headers: { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60' },
    varyRequestHeaders: {},
    requestTimeMs: 1_000,
    responseTimeMs: 1_010,
    ...overrides,
  }
}

/** A body whose bytes depend on a seed, so any mix-up between objects shows. */
export function bodyOf(seed: string, sizeBytes: number): Buffer {
  const body = Buffer.alloc(sizeBytes)
  let block = createHash('sha256').update(seed).digest()
  for (let offset = 0; offset < sizeBytes; offset += block.length) {
    block.copy(body, offset)
    block = createHash('sha256').update(block).digest()
  }
  return body
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Writes a body in chunks and commits it. */
export async function storeObject(
  store: CacheStore,
  response: NewResponse,
  body: Uint8Array,
  options: { surrogateKeys?: readonly string[]; chunkBytes?: number } = {},
): Promise<CacheEntry | undefined> {
  const writer = store.beginWrite(response, options.surrogateKeys ?? [])
  const chunkBytes = options.chunkBytes ?? 16 * 1024
  for (let offset = 0; offset < body.length; offset += chunkBytes) {
    await writer.write(body.subarray(offset, offset + chunkBytes))
  }
  return writer.commit()
}

/** Collects a byte stream. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** A fresh temp data dir, and its removal. */
export async function makeDataDir(): Promise<{ dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-store-'))
  return { dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) }
}

/** A clock that only moves when told. */
export function fixedClock(startMs = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let nowMs = startMs
  return {
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms
    },
  }
}
