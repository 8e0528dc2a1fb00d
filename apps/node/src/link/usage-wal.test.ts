import assert from 'node:assert/strict'
import { appendFile, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { makeDataDir } from '../testing/cache-store-fixtures.ts'
import { FakeTimers } from '../testing/fake-timers.ts'
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

  /** Nonces in the log's files now, without opening (or hurrying) the log. */
  const logged = async (wal: UsageWal): Promise<string[]> => {
    let text = ''
    for (const name of await readdir(wal.directory)) text += await readFile(join(wal.directory, name), 'utf8')
    return [...text.matchAll(/"n":"([^"]+)"/g)].map((match) => match[1] ?? '')
  }
  const until = async (condition: () => boolean | Promise<boolean>): Promise<void> => {
    for (let turn = 0; turn < 1000 && !(await condition()); turn += 1) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  it('starts a group commit no sooner than the commit interval after the last one started (the first at once)', { timeout: 20_000 }, async () => {
    const timers = new FakeTimers()
    const wal = new UsageWal(dataDir, { commitIntervalMs: 50, clock: timers, timers })
    await wal.open(0)
    wal.append({ ticket: ticket('first'), bytes: 1n })
    await until(async () => (await logged(wal)).includes('first'))
    assert.deepEqual(await logged(wal), ['first'], 'the first commit after a quiet interval does not wait')
    timers.advance(20)
    wal.append({ ticket: ticket('second'), bytes: 2n })
    wal.append({ ticket: ticket('second'), bytes: 3n })
    await until(() => timers.pendingDelaysMs().length > 0)
    assert.deepEqual(timers.pendingDelaysMs(), [30], 'waits for the rest of the interval since the last commit started')
    assert.deepEqual(await logged(wal), ['first'])
    timers.advance(30)
    await until(async () => (await logged(wal)).length === 2)
    assert.deepEqual(await new UsageWal(dataDir).open(0), [
      { ticket: ticket('first'), bytes: 1n, requests: 1 },
      { ticket: ticket('second'), bytes: 5n, requests: 2 },
    ])
    await wal.close()
  })

  it('waits at most one interval when the wall clock stepped back since the last commit', { timeout: 20_000 }, async () => {
    const timers = new FakeTimers()
    let nowMs = 1_700_000_000_000
    const wal = new UsageWal(dataDir, { commitIntervalMs: 50, clock: { nowMs: () => nowMs }, timers })
    await wal.open(0)
    wal.append({ ticket: ticket('first'), bytes: 1n })
    await until(async () => (await logged(wal)).includes('first'))
    nowMs -= 3_600_000
    wal.append({ ticket: ticket('second'), bytes: 2n })
    await until(() => timers.pendingDelaysMs().length > 0)
    assert.deepEqual(timers.pendingDelaysMs(), [50])
    await wal.close()
  })

  it('commits at once when asked for durability (sealing, closing), cutting the wait short', { timeout: 20_000 }, async () => {
    const timers = new FakeTimers()
    const wal = new UsageWal(dataDir, { commitIntervalMs: 1000, clock: timers, timers })
    await wal.open(0)
    wal.append({ ticket: ticket('first'), bytes: 1n })
    await wal.flushed()
    wal.append({ ticket: ticket('second'), bytes: 2n })
    await until(() => timers.pendingDelaysMs().length > 0)
    await wal.flushed()
    assert.deepEqual(await logged(wal), ['first', 'second'])
    assert.deepEqual(timers.pendingDelaysMs(), [], 'the interval timer is cleared')
    await wal.close()
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
