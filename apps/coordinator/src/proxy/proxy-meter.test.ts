import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { costOfBytes, GIB } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import type { LedgerTransactionInput } from '../store/store.ts'
import { ProxyMeter } from './proxy-meter.ts'
import type { ProxyUsageLine } from './proxy-store.ts'

const BUYER = 'acc_buyer' as AccountId
const info = { connectionId: 'c1', accountId: BUYER, nodeId: 'nd_x', operatorId: 'acc_op' as AccountId, session: '' }

/** A meter over an in-memory ledger: every byte costs `pricePerByte`; the buyer starts with `balance`. */
function meterWith(options: { readonly balance: bigint; readonly flushBytes: number; readonly pricePerByte?: bigint; readonly balanceTtlMs?: number }) {
  const posted: LedgerTransactionInput[] = []
  const usage: ProxyUsageLine[] = []
  let balance = options.balance
  let balanceReads = 0
  const meter = new ProxyMeter({
    ports: {
      postTransaction: (transaction) => {
        posted.push(transaction)
        for (const entry of transaction.entries) if (entry.ledgerAccount === `buyer:${BUYER}`) balance += entry.amount
        return Promise.resolve({ status: 'applied' })
      },
      getBalance: () => {
        balanceReads += 1
        return Promise.resolve(balance)
      },
      addUsage: (lines) => {
        usage.push(...lines)
        return Promise.resolve()
      },
    },
    pricePerGiB: GIB * (options.pricePerByte ?? 1n),
    operatorSharePercent: 80,
    now: () => 0,
    flushBytes: options.flushBytes,
    ...(options.balanceTtlMs === undefined ? {} : { balanceTtlMs: options.balanceTtlMs }),
  })
  return { meter, posted, usage, balance: () => balance, balanceReads: () => balanceReads, credit: (amount: bigint) => (balance += amount) }
}

describe('proxy meter', () => {
  it('bills exactly the bytes counted both ways, however the chunks and flushes fall', async () => {
    const { meter, usage, balance } = meterWith({ balance: 10n ** 12n, flushBytes: 1000 })
    const connection = meter.open(info, 10n ** 12n)
    const chunks = [1, 999, 4096, 7, 16_384, 3, 65_536]
    for (const [index, bytes] of chunks.entries()) {
      if (connection.add(index % 2 === 0 ? 'up' : 'down', bytes)) void connection.flush()
    }
    await connection.flush()
    const up = chunks.filter((_, index) => index % 2 === 0).reduce((sum, bytes) => sum + bytes, 0)
    const down = chunks.filter((_, index) => index % 2 === 1).reduce((sum, bytes) => sum + bytes, 0)
    assert.equal(connection.bytesUp, BigInt(up))
    assert.equal(connection.bytesDown, BigInt(down))
    assert.equal(usage.reduce((sum, line) => sum + line.bytesUp, 0n), BigInt(up))
    assert.equal(usage.reduce((sum, line) => sum + line.bytesDown, 0n), BigInt(down))
    assert.equal(10n ** 12n - balance(), costOfBytes(BigInt(up + down), GIB))
  })
  it('asks for a flush once flushBytes are counted, not before', () => {
    const { meter } = meterWith({ balance: 10n ** 12n, flushBytes: 1000 })
    const connection = meter.open(info, 10n ** 12n)
    assert.equal(connection.add('up', 600), false)
    assert.equal(connection.add('down', 399), false)
    assert.equal(connection.add('down', 1), true)
  })
  it('asks for a flush as soon as the counted bytes may exceed what the balance pays for', () => {
    const { meter } = meterWith({ balance: 100n, flushBytes: 1 << 20 })
    const connection = meter.open(info, 100n)
    assert.equal(connection.add('up', 50), false)
    assert.equal(connection.add('down', 51), true)
  })
  it('counts bytes added while a flush is under way into the next flush', async () => {
    const { meter, usage } = meterWith({ balance: 10n ** 12n, flushBytes: 1 << 20 })
    const connection = meter.open(info, 10n ** 12n)
    connection.add('up', 10)
    const first = connection.flush()
    connection.add('up', 5)
    await first
    await connection.flush()
    assert.deepEqual(usage.map((line) => line.bytesUp), [10n, 5n])
  })
  it('reports the buyer exhausted once a flush spends the balance', async () => {
    const { meter } = meterWith({ balance: 10n, flushBytes: 1 << 20 })
    const connection = meter.open(info, 10n)
    assert.equal(connection.add('down', 10), false)
    assert.equal(connection.add('down', 1), true)
    assert.equal(await connection.flush(), true)
  })

  it('admits from a cached balance, and refuses the next connection once a flush spends it', async () => {
    const { meter, balanceReads } = meterWith({ balance: 10n, flushBytes: 1 << 20, balanceTtlMs: 3_600_000 })
    assert.equal(await meter.balanceOf(BUYER), 10n)
    const connection = meter.open(info, await meter.balanceOf(BUYER))
    assert.equal(balanceReads(), 1, 'the second admission read no ledger')
    connection.add('down', 11)
    assert.equal(await connection.flush(), true)
    assert.ok((await meter.balanceOf(BUYER)) <= 0n, 'refused although the cached balance had an hour left')
  })
  it('takes a closing connection\'s charge off the cached balance, and reads the ledger again once it is gone', async () => {
    const { meter, balanceReads, credit } = meterWith({ balance: 100n, flushBytes: 1 << 20, balanceTtlMs: 3_600_000 })
    const first = meter.open(info, await meter.balanceOf(BUYER))
    first.add('up', 40)
    assert.equal(await first.close(), false)
    assert.equal(await meter.balanceOf(BUYER), 60n, 'debited in memory')
    const second = meter.open(info, await meter.balanceOf(BUYER))
    second.add('up', 60)
    assert.equal(await second.close(), true)
    const readsBefore = balanceReads()
    assert.equal(await meter.balanceOf(BUYER), 0n)
    assert.equal(balanceReads(), readsBefore + 1, 'a spent balance is read from the ledger')
    credit(5n)
    assert.equal(await meter.balanceOf(BUYER), 5n, 'a top-up counts at the next connection')
  })
})
