import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRequestCollapser } from './request-collapser.ts'

describe('createRequestCollapser', () => {
  it('makes the first request for a key the leader and the rest followers', async () => {
    let followers = 0
    const collapser = createRequestCollapser({ waitTimeoutMs: 60_000, onFollower: () => (followers += 1) })
    const leader = collapser.join('k')
    const a = collapser.join('k')
    const b = collapser.join('k')
    assert.equal(followers, 2)
    if (leader.role !== 'leader' || a.role !== 'follower' || b.role !== 'follower') throw new Error('unexpected roles')
    leader.settle('stored')
    assert.deepEqual(await Promise.all([a.outcome, b.outcome]), ['stored', 'stored'])
  })

  it('keeps keys apart', () => {
    const collapser = createRequestCollapser({ waitTimeoutMs: 60_000 })
    assert.equal(collapser.join('a').role, 'leader')
    assert.equal(collapser.join('b').role, 'leader')
    assert.equal(collapser.inFlightCount, 2)
  })

  it('lets a new leader start once the previous one settled', () => {
    const collapser = createRequestCollapser({ waitTimeoutMs: 60_000 })
    const first = collapser.join('k')
    if (first.role !== 'leader') throw new Error('expected a leader')
    first.settle('failed')
    first.settle('stored')
    assert.equal(collapser.isInFlight('k'), false)
    assert.equal(collapser.join('k').role, 'leader')
  })

  it('releases a follower whose wait timed out', async () => {
    const collapser = createRequestCollapser({ waitTimeoutMs: 1 })
    const leader = collapser.join('k')
    const follower = collapser.join('k')
    if (follower.role !== 'follower' || leader.role !== 'leader') throw new Error('unexpected roles')
    assert.equal(await follower.outcome, 'timed-out')
    leader.settle('stored')
  })
})
