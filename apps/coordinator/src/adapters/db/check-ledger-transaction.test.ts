import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkLedgerTransaction } from './check-ledger-transaction.ts'

function entries(...amounts: bigint[]): { ledgerAccount: string; amount: bigint }[] {
  return amounts.map((amount, index) => ({ ledgerAccount: `account-${index}`, amount }))
}

describe('checkLedgerTransaction', () => {
  it('accepts entries that sum to zero', () => {
    assert.deepEqual(checkLedgerTransaction({ id: 't', kind: 'k', entries: entries(-5n, 3n, 2n) }), { ok: true })
  })

  it('accepts amounts of 78 digits', () => {
    const largest = 10n ** 78n - 1n
    assert.deepEqual(checkLedgerTransaction({ id: 't', kind: 'k', entries: entries(-largest, largest) }), { ok: true })
  })

  it('refuses entries that do not sum to zero, naming the sum', () => {
    const result = checkLedgerTransaction({ id: 't', kind: 'k', entries: entries(-5n, 4n) })
    assert.ok(!result.ok && result.code === 'LEDGER_UNBALANCED' && result.reason.includes('-1'))
  })

  it('refuses fewer than two entries, even a lone zero', () => {
    for (const list of [entries(), entries(0n)]) {
      const result = checkLedgerTransaction({ id: 't', kind: 'k', entries: list })
      assert.ok(!result.ok && result.code === 'LEDGER_UNBALANCED')
    }
  })

  it('refuses an amount of 79 digits even when balanced', () => {
    const tooBig = 10n ** 78n
    const result = checkLedgerTransaction({ id: 't', kind: 'k', entries: entries(-tooBig, tooBig) })
    assert.ok(!result.ok && result.code === 'AMOUNT_OUT_OF_RANGE')
  })
})
