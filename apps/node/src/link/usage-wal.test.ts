import assert from 'node:assert/strict'
import { appendFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { makeDataDir } from '../testing/cache-store-fixtures.ts'
import { UsageWal } from './usage-wal.ts'

describe('the served-bytes write-ahead log', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
  })
  afterEach(() => cleanup())

  const ticket = (nonce: string) => ({ zone: 'z', nonce, token: `token-${nonce}` })

  it('makes appended transfers durable in one group commit, one line per ticket, and gives them back on the next open', async () => {
    const wal = new UsageWal(dataDir)
    await wal.open(0)
    for (let index = 0; index < 100; index += 1) wal.append({ ticket: ticket(`t${index % 7}`), bytes: 10n })
    await wal.flushed()
    // A crash now: no close, a new instance reads what is on disk.
    const reopened = await new UsageWal(dataDir).open(0)
    assert.equal(reopened.length, 7)
    assert.equal(reopened.reduce((sum, record) => sum + record.bytes, 0n), 1000n)
    assert.equal(reopened.reduce((sum, record) => sum + record.requests, 0), 100)
    // 100 transfers over 7 tickets: t0 got indexes 0, 7, …, 98 (15 of them).
    assert.deepEqual(reopened[0], { ticket: ticket('t0'), bytes: 150n, requests: 15 })
    assert.equal(wal.failures, 0)
  })

  it('keeps the transfers of a ticket appended after a commit on a line of their own', async () => {
    const wal = new UsageWal(dataDir)
    await wal.open(0)
    wal.append({ ticket: ticket('a'), bytes: 4n })
    await wal.flushed()
    wal.append({ ticket: ticket('a'), bytes: 6n })
    wal.append({ ticket: ticket('a'), bytes: 1n })
    await wal.flushed()
    assert.deepEqual(await new UsageWal(dataDir).open(0), [
      { ticket: ticket('a'), bytes: 4n, requests: 1 },
      { ticket: ticket('a'), bytes: 7n, requests: 2 },
    ])
  })

  it('reads lines written before request counts were logged as one request each, and refuses a bad count', async () => {
    const wal = new UsageWal(dataDir)
    await wal.open(0)
    await wal.flushed()
    const path = join(wal.directory, '0000000000000000.log')
    await appendFile(path, `${JSON.stringify({ z: 'z', n: 'old', t: 'token-old', b: '9' })}\n${JSON.stringify({ z: 'z', n: 'bad', t: 'token-bad', b: '9', r: 0 })}\n`)
    assert.deepEqual(await new UsageWal(dataDir).open(0), [{ ticket: ticket('old'), bytes: 9n, requests: 1 }])
  })

  it('skips the segments a journaled batch covers and deletes them; replays the rest', async () => {
    const wal = new UsageWal(dataDir)
    await wal.open(0)
    wal.append({ ticket: ticket('sealed'), bytes: 5n })
    const walUpto = wal.rotate()
    wal.append({ ticket: ticket('after'), bytes: 7n })
    await wal.flushed()
    const replayed = await new UsageWal(dataDir).open(walUpto)
    assert.deepEqual(replayed, [{ ticket: ticket('after'), bytes: 7n, requests: 1 }])
    assert.deepEqual((await readdir(wal.directory)).length, 1)
  })

  it('removes covered segments only after their pending records are written', async () => {
    const wal = new UsageWal(dataDir)
    await wal.open(0)
    wal.append({ ticket: ticket('a'), bytes: 1n })
    const walUpto = wal.rotate()
    wal.append({ ticket: ticket('b'), bytes: 2n })
    await wal.removeBelow(walUpto)
    assert.deepEqual(await new UsageWal(dataDir).open(0), [{ ticket: ticket('b'), bytes: 2n, requests: 1 }])
  })

  it('ignores a torn last line (the crash hit mid-write)', async () => {
    const wal = new UsageWal(dataDir)
    await wal.open(0)
    wal.append({ ticket: ticket('whole'), bytes: 3n })
    await wal.flushed()
    const [segment = ''] = await readdir(wal.directory)
    await appendFile(join(wal.directory, segment), '{"z":"z","n":"torn","b":"1')
    assert.deepEqual(await new UsageWal(dataDir).open(0), [{ ticket: ticket('whole'), bytes: 3n, requests: 1 }])
  })
})
