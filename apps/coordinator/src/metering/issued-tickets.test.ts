import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, nodeIdFromPublicKey } from '@meson/protocol'
import type { Ticket } from '@meson/protocol'
import type { IssuedTicket } from './issued-ticket.ts'
import { IssuedTickets } from './issued-tickets.ts'

const NODE_ID = nodeIdFromPublicKey(generateKeyPair().publicKey)

function ticket(nonce: string, expiresAt = 60_000): Ticket {
  return { v: 1, zone: 'site', path: '/a', prefix: false, nodeId: NODE_ID, client: '127.0.0.1', issuedAt: 0, expiresAt, byteBudget: 10n, nonce }
}

function recordingSink() {
  const batches: IssuedTicket[][] = []
  let failures = 0
  return {
    batches,
    failNext: (count: number) => {
      failures = count
    },
    saveIssuedTickets: (tickets: readonly IssuedTicket[]): Promise<void> => {
      if (failures > 0) {
        failures -= 1
        return Promise.reject(new Error('database away'))
      }
      batches.push([...tickets])
      return Promise.resolve()
    },
  }
}

describe('IssuedTickets', () => {
  it('remembers a ticket at once and persists queued tickets in one batch', async () => {
    const sink = recordingSink()
    const tickets = new IssuedTickets({ sink })
    tickets.record(ticket('tn_aaaaaaaaaaaaaaaaaaaa'))
    tickets.record(ticket('tn_bbbbbbbbbbbbbbbbbbbb'))
    assert.equal(tickets.lookup('tn_aaaaaaaaaaaaaaaaaaaa')?.acceptedBytes, 0n)
    assert.equal(tickets.pendingCount, 2)
    await tickets.flush()
    assert.deepEqual(sink.batches.map((batch) => batch.map((t) => t.nonce)), [['tn_aaaaaaaaaaaaaaaaaaaa', 'tn_bbbbbbbbbbbbbbbbbbbb']])
    await tickets.flush()
    assert.equal(sink.batches.length, 1, 'an empty queue writes nothing')
  })

  it('keeps tickets queued when a write fails and writes them on the next flush', async () => {
    const sink = recordingSink()
    const tickets = new IssuedTickets({ sink })
    tickets.record(ticket('tn_aaaaaaaaaaaaaaaaaaaa'))
    sink.failNext(1)
    await assert.rejects(tickets.flush(), /database away/)
    tickets.record(ticket('tn_bbbbbbbbbbbbbbbbbbbb'))
    await tickets.flush()
    assert.deepEqual(sink.batches.map((batch) => batch.map((t) => t.nonce)), [['tn_aaaaaaaaaaaaaaaaaaaa', 'tn_bbbbbbbbbbbbbbbbbbbb']])
  })

  it('drops tickets from memory only after expiry + grace', () => {
    const tickets = new IssuedTickets({ sink: recordingSink(), memoryGraceMs: 1_000 })
    tickets.record(ticket('tn_aaaaaaaaaaaaaaaaaaaa', 10_000))
    assert.equal(tickets.prune(11_000), 0)
    assert.equal(tickets.prune(11_001), 1)
    assert.equal(tickets.lookup('tn_aaaaaaaaaaaaaaaaaaaa'), undefined)
  })

  it('mirrors accepted bytes and never lowers them', () => {
    const tickets = new IssuedTickets({ sink: recordingSink() })
    tickets.record(ticket('tn_aaaaaaaaaaaaaaaaaaaa'))
    tickets.noteAccepted('tn_aaaaaaaaaaaaaaaaaaaa', 7n)
    tickets.noteAccepted('tn_aaaaaaaaaaaaaaaaaaaa', 3n)
    assert.equal(tickets.lookup('tn_aaaaaaaaaaaaaaaaaaaa')?.acceptedBytes, 7n)
  })
})
