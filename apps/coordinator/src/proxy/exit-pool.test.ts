import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ExitPool } from './exit-pool.ts'

function pool(now = { ms: 0 }) {
  let seed = 1
  const random = (): number => {
    seed = (seed * 48271) % 2147483647
    return seed / 2147483647
  }
  const exits = new ExitPool<string>({ now: () => now.ms, random })
  for (const [nodeId, country] of [['a', 'de'], ['b', 'de'], ['c', 'de'], ['d', 'fr']] as const) exits.add({ nodeId, operatorId: 'op', country, tunnel: `t-${nodeId}` })
  return exits
}
const base = { account: 'acc', country: undefined, session: undefined, sessionMs: 600_000 }

describe('exit pool', () => {
  it('keeps one exit for 20 connections of one session', () => {
    const exits = pool()
    const chosen = new Set(Array.from({ length: 20 }, () => {
      const picked = exits.pick({ ...base, country: 'de', session: 's1' })
      return picked.ok ? picked.exit.nodeId : 'none'
    }))
    assert.equal(chosen.size, 1)
  })
  it('spreads connections without a session', () => {
    const exits = pool()
    const chosen = new Set(Array.from({ length: 40 }, () => {
      const picked = exits.pick({ ...base, country: 'de' })
      return picked.ok ? picked.exit.nodeId : 'none'
    }))
    assert.deepEqual([...chosen].sort(), ['a', 'b', 'c'])
  })
  it('moves a session to another exit in the same country when its exit goes away', () => {
    const exits = pool()
    const first = exits.pick({ ...base, country: 'de', session: 's' })
    assert.ok(first.ok)
    exits.remove(first.exit.nodeId)
    const second = exits.pick({ ...base, country: 'de', session: 's' })
    assert.ok(second.ok)
    assert.notEqual(second.exit.nodeId, first.exit.nodeId)
    assert.equal(second.exit.country, 'de')
  })
  it('gives a session a new exit after its time', () => {
    const now = { ms: 0 }
    const exits = pool(now)
    const seen = new Set<string>()
    for (let round = 0; round < 10; round += 1) {
      const picked = exits.pick({ ...base, session: 's', sessionMs: 1000 })
      if (picked.ok) seen.add(picked.exit.nodeId)
      now.ms += 1001
    }
    assert.ok(seen.size > 1)
  })
  it('never falls back to another country', () => {
    const exits = pool()
    exits.remove('d')
    assert.deepEqual(exits.pick({ ...base, country: 'fr' }), { ok: false, reason: 'no-exit' })
    assert.deepEqual(exits.pick({ ...base, country: 'jp' }), { ok: false, reason: 'unknown-country' })
  })
  it('skips excluded exits and ignores a stale tunnel removal', () => {
    const exits = pool()
    exits.add({ nodeId: 'd', operatorId: 'op', country: 'fr', tunnel: 'new' })
    exits.remove('d', 't-d')
    assert.equal(exits.size, 4)
    assert.deepEqual(exits.pick({ ...base, country: 'fr', exclude: new Set(['d']) }), { ok: false, reason: 'no-exit' })
  })
})
