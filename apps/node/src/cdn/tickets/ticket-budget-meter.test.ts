import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FIXTURE_ISSUED_AT_MS, FIXTURE_TICKET_LIFETIME_MS, fixtureTicket } from '../../testing/ticket-fixtures.ts'
import { TicketBudgetMeter } from './ticket-budget-meter.ts'

describe('TicketBudgetMeter', () => {
  it('counts served bytes per ticket until the budget is reached', () => {
    const meter = new TicketBudgetMeter()
    const ticket = fixtureTicket({ byteBudget: '1000' })
    const other = fixtureTicket({ nonce: 'tn_otherotherotherothe' })
    meter.recordServed(ticket, 600n)
    assert.equal(meter.isBudgetExhausted(ticket), false)
    assert.equal(meter.remainingBytes(ticket), 400n)
    meter.recordServed(ticket, 400n)
    assert.equal(meter.isBudgetExhausted(ticket), true)
    assert.equal(meter.remainingBytes(ticket), 0n)
    assert.equal(meter.isBudgetExhausted(other), false)
    meter.recordServed(ticket, 5n)
    assert.equal(meter.servedBytes(ticket), 1005n)
    assert.equal(meter.remainingBytes(ticket), 0n)
  })

  it('treats a zero budget as exhausted from the start', () => {
    assert.equal(new TicketBudgetMeter().isBudgetExhausted(fixtureTicket({ byteBudget: '0' })), true)
  })

  it('refuses a negative byte count', () => {
    assert.throws(() => new TicketBudgetMeter().recordServed(fixtureTicket(), -1n), { code: 'INVALID_BYTE_COUNT' })
  })

  it('forgets tickets once they expire, keeping live ones', () => {
    const meter = new TicketBudgetMeter()
    const shortLived = fixtureTicket({ nonce: 'tn_shortshortshortshor', expiresAt: FIXTURE_ISSUED_AT_MS + 1000 })
    const longLived = fixtureTicket()
    meter.recordServed(shortLived, 1n)
    meter.recordServed(longLived, 2n)
    meter.forgetExpired(FIXTURE_ISSUED_AT_MS + 999)
    assert.equal(meter.size, 2)
    meter.forgetExpired(FIXTURE_ISSUED_AT_MS + 1000)
    assert.equal(meter.size, 1)
    assert.equal(meter.servedBytes(longLived), 2n)
    meter.forgetExpired(FIXTURE_ISSUED_AT_MS + FIXTURE_TICKET_LIFETIME_MS)
    assert.equal(meter.size, 0)
  })

  it('stays bounded, dropping the oldest-tracked ticket when full', () => {
    const meter = new TicketBudgetMeter({ maxTickets: 2 })
    const [a, b, c] = ['tn_aaaaaaaaaaaaaaaaaaaa', 'tn_bbbbbbbbbbbbbbbbbbbb', 'tn_cccccccccccccccccccc'].map((nonce) => fixtureTicket({ nonce }))
    assert.ok(a !== undefined && b !== undefined && c !== undefined)
    meter.recordServed(a, 1n)
    meter.recordServed(b, 1n)
    meter.recordServed(c, 1n)
    assert.equal(meter.size, 2)
    assert.equal(meter.servedBytes(a), 0n)
    assert.equal(meter.servedBytes(c), 1n)
  })
})
