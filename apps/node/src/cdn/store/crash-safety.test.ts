import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { resolveCacheLayout } from './cache-layout.ts'
import { bodyOf, makeDataDir, readAll, sha256Hex } from '../../testing/cache-store-fixtures.ts'
import { openDiskCacheStore } from './disk-cache-store.ts'

const FIXTURE = fileURLToPath(new URL('../../testing/crash-writer-fixture.ts', import.meta.url))
const ROUNDS = 6

/** Runs the writer child until it has committed `commits` objects (plus a random delay), then SIGKILLs it. */
async function runAndKill(dataDir: string, commits: number, extraDelayMs: number): Promise<number> {
  const child = spawn(process.execPath, [FIXTURE, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let seen = 0
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString().split('\n').filter((line) => line === 'commit').length
      if (seen >= commits) resolve()
    })
    child.on('exit', () => reject(new Error(`writer exited before it was killed: ${stderr}`)))
  })
  // The kill lands somewhere in the middle of the writers' work (timing only picks the
  // moment; nothing below asserts on time).
  await new Promise((resolve) => setTimeout(resolve, extraDelayMs))
  child.kill('SIGKILL')
  assert.equal(await exited, 'SIGKILL')
  return seen
}

describe('crash safety', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
  })
  afterEach(() => cleanup())

  it('serves only whole objects with the right SHA-256 after repeated kill -9 during writes', async (t) => {
    let everIndexed = 0
    for (let round = 0; round < ROUNDS; round += 1) {
      await runAndKill(dataDir, randomInt(3, 25), randomInt(0, 40))
      const store = await openDiskCacheStore({
        dataDir,
        maxBytes: 3 * 1024 * 1024,
        memoryMaxBytes: 0,
        maxObjectBytes: 512 * 1024,
      })
      assert.deepEqual(await readdir(resolveCacheLayout(dataDir).tmpDir), [], 'tmp/ is emptied on open')
      const stats = store.stats()
      t.diagnostic(`round ${round}: ${stats.objects} objects indexed, ${stats.discardedOnStart} discarded on open`)
      assert.ok(stats.storedBytes <= 3 * 1024 * 1024)
      for (let index = 0; index < 16; index += 1) {
        for (const entry of store.lookup(`https://crash.test/object/${index}`)) {
          const bytes = await readAll(store.createReadStream(entry))
          assert.equal(bytes.length, entry.response.sizeBytes)
          assert.equal(sha256Hex(bytes), entry.response.sha256)
          const seed = entry.response.headers['x-body-seed']
          assert.ok(seed !== undefined && seed.startsWith(`https://crash.test/object/${index}#`), 'the body belongs to its key')
          assert.ok(bytes.equals(bodyOf(seed, bytes.length)), 'the body is the one written for that key')
          everIndexed += 1
        }
      }
      await store.close()
    }
    assert.ok(everIndexed > 0, 'the writer committed something across the rounds')
  })
})
