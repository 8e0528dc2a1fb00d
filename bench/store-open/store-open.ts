/**
 * Time to the first served hit after opening a cache of `--gib` GiB (default 1): the
 * store verifying every body before it opens (`verifyBodiesOnOpen: true`, the old
 * behaviour) against serving at once and verifying in the background (the default).
 * Run: npx node bench/store-open/store-open.ts [--gib 1]
 * The data dir is a temp dir, removed at the end; the page cache is warm for both runs
 * (the second run reads what the first one read), which favours the eager run.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDiskCacheStore } from '@meson/node/testing'
import type { CacheStore } from '@meson/node/testing'

const gibIndex = process.argv.indexOf('--gib')
const gib = gibIndex === -1 ? 1 : Number(process.argv[gibIndex + 1])
const OBJECT_BYTES = 4 * 1024 * 1024
const objectCount = Math.round((gib * 1024 * 1024 * 1024) / OBJECT_BYTES)
const dataDir = await mkdtemp(join(tmpdir(), 'meson-bench-store-open-'))
const limits = { dataDir, maxBytes: 2 * gib * 1024 * 1024 * 1024 + 64 * 1024 * 1024, memoryMaxBytes: 0, maxObjectBytes: OBJECT_BYTES }

function response(index: number) {
  return { primaryKey: `https://bench.test/${index}`, secondaryKey: '', status: 200, headers: { 'cache-control': 'max-age=3600' }, varyRequestHeaders: {}, requestTimeMs: 0, responseTimeMs: 0 }
}

async function readFirstHit(store: CacheStore): Promise<number> {
  const [entry] = store.lookup(`https://bench.test/${objectCount - 1}`)
  if (entry === undefined) throw new Error('the object is missing')
  let bytes = 0
  for await (const chunk of store.createReadStream(entry) as AsyncIterable<Buffer>) bytes += chunk.length
  return bytes
}

async function timeFirstHit(verifyBodiesOnOpen: boolean): Promise<number> {
  const started = performance.now()
  const store = await openDiskCacheStore({ ...limits, verifyBodiesOnOpen })
  const bytes = await readFirstHit(store)
  const elapsedMs = performance.now() - started
  if (bytes !== OBJECT_BYTES) throw new Error('short read')
  await store.close()
  return elapsedMs
}

try {
  const filling = await openDiskCacheStore(limits)
  const body = randomBytes(OBJECT_BYTES)
  for (let index = 0; index < objectCount; index += 1) {
    const writer = filling.beginWrite(response(index), [])
    await writer.write(body)
    if ((await writer.commit()) === undefined) throw new Error('commit failed')
  }
  await filling.close()
  const eagerMs = await timeFirstHit(true)
  const lazyMs = await timeFirstHit(false)
  console.log(`cache: ${objectCount} objects x ${OBJECT_BYTES / 1024 / 1024} MiB = ${gib} GiB`)
  console.log(`time to first served hit, verify all on open (before): ${eagerMs.toFixed(0)} ms`)
  console.log(`time to first served hit, verify in background (after): ${lazyMs.toFixed(0)} ms`)
  console.log(`ratio before/after: ${(eagerMs / lazyMs).toFixed(1)}x`)
} finally {
  await rm(dataDir, { recursive: true, force: true })
}
