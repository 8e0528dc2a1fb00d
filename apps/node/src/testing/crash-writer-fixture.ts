/**
 * Child process for the crash-safety test (not a test itself): writes, replaces, updates
 * and removes objects in a loop, with several writers at once, until it is killed with
 * SIGKILL. Prints one line per commit so the parent knows the store is busy.
 *
 * Usage: node crash-writer-fixture.ts <dataDir>
 */
import { randomInt } from 'node:crypto'
import { bodyOf, sampleResponse } from './cache-store-fixtures.ts'
import { openDiskCacheStore } from '../cdn/store/disk-cache-store.ts'

const dataDir = process.argv[2]
if (dataDir === undefined) {
  process.stderr.write('usage: crash-writer-fixture.ts <dataDir>\n')
  process.exit(2)
}

const store = await openDiskCacheStore({
  dataDir,
  // Small enough that commits keep evicting, so removals race with kills too.
  maxBytes: 3 * 1024 * 1024,
  memoryMaxBytes: 256 * 1024,
  maxObjectBytes: 512 * 1024,
})
process.stdout.write(`open ${store.stats().objects}\n`)

const KEYS = Array.from({ length: 16 }, (_, index) => `https://crash.test/object/${index}`)

async function writeLoop(worker: number): Promise<never> {
  for (let round = 0; ; round += 1) {
    const key = KEYS[randomInt(KEYS.length)] ?? 'https://crash.test/none'
    const seed = `${key}#${worker}.${round}.${process.pid}`
    const body = bodyOf(seed, randomInt(0, 300 * 1024))
    const writer = store.beginWrite(
      sampleResponse(key, { headers: { 'x-body-seed': seed }, secondaryKey: randomInt(2) === 0 ? '' : 'gzip' }),
      [`tag${randomInt(4)}`],
    )
    for (let offset = 0; offset < body.length; offset += 4096) await writer.write(body.subarray(offset, offset + 4096))
    const entry = await writer.commit()
    process.stdout.write('commit\n')
    const dice = randomInt(10)
    if (entry !== undefined && dice === 0) {
      await store.updateResponse(entry, { ...entry.response, headers: { ...entry.response.headers, etag: `"${round}"` } })
    } else if (dice === 1) {
      await store.purge({ surrogateKeys: [`tag${randomInt(4)}`] })
    } else if (dice === 2) {
      await store.removeByPrimaryKey(key)
    }
  }
}

await Promise.all([writeLoop(0), writeLoop(1), writeLoop(2)])
