import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ObjectBudgets, sizedTicketBudget } from './object-budgets.ts'

describe('ObjectBudgets', () => {
  it('remembers the per-response bytes of each object, separately per zone and path', () => {
    const budgets = new ObjectBudgets(10)
    budgets.record('site', '/a.bin', 1_612n)
    budgets.record('other', '/a.bin', 99n)
    assert.equal(budgets.perResponseBytes('site', '/a.bin'), 1_612n)
    assert.equal(budgets.perResponseBytes('other', '/a.bin'), 99n)
    assert.equal(budgets.perResponseBytes('site', '/b.bin'), undefined)
    // A zone and path that would collide if joined naively stay apart.
    assert.equal(budgets.perResponseBytes('site/a', '.bin'), undefined)
    budgets.record('site', '/a.bin', 2_000n)
    assert.equal(budgets.perResponseBytes('site', '/a.bin'), 2_000n, 'a new measurement replaces the old')
  })

  it('replays into an equal copy: entries() oldest first, then each later record to its observers (redirect workers)', () => {
    const budgets = new ObjectBudgets(3)
    budgets.record('site', '/a.bin', 1n)
    budgets.record('site/x', 'y\nz', 2n)
    const copy = new ObjectBudgets(budgets.capacity)
    for (const [zone, path, bytes] of budgets.entries()) copy.record(zone, path, bytes)
    const stop = budgets.observe((change) => copy.apply(change))
    budgets.record('site', '/b.bin', 3n)
    budgets.record('site', '/a.bin', 4n)
    budgets.record('site', '/c.bin', 5n)
    stop()
    budgets.record('site', '/d.bin', 6n)
    assert.deepEqual(copy.entries(), [['site', '/b.bin', 3n], ['site', '/a.bin', 4n], ['site', '/c.bin', 5n]])
    assert.equal(copy.perResponseBytes('site/x', 'y\nz'), undefined, 'forgotten in the copy as in the original')
    assert.equal(budgets.perResponseBytes('site', '/d.bin'), 6n)
    assert.equal(copy.perResponseBytes('site', '/d.bin'), undefined, 'no record after stop')
  })

  it('forgets a deleted zone\'s objects, and nothing of a zone whose name merely starts the same; copies follow', () => {
    const budgets = new ObjectBudgets(10)
    const copy = new ObjectBudgets(budgets.capacity)
    budgets.observe((change) => copy.apply(change))
    budgets.record('site', '/a.bin', 1n)
    budgets.record('site', '/b.bin', 2n)
    budgets.record('site2', '/a.bin', 3n)
    budgets.record('sit', 'e\n/a.bin', 4n)
    budgets.forgetZone('site')
    for (const each of [budgets, copy]) {
      assert.equal(each.perResponseBytes('site', '/a.bin'), undefined)
      assert.equal(each.perResponseBytes('site', '/b.bin'), undefined)
      assert.equal(each.perResponseBytes('site2', '/a.bin'), 3n)
      assert.equal(each.perResponseBytes('sit', 'e\n/a.bin'), 4n)
    }
    budgets.record('site', '/a.bin', 5n)
    assert.equal(copy.perResponseBytes('site', '/a.bin'), 5n, 'the name taken again learns afresh')
  })

  it('is bounded: the oldest-recorded object is forgotten first', () => {
    const budgets = new ObjectBudgets(2)
    budgets.record('z', '/1', 1n)
    budgets.record('z', '/2', 2n)
    budgets.record('z', '/1', 11n) // measured again: now the newest
    budgets.record('z', '/3', 3n)
    assert.equal(budgets.size, 2)
    assert.equal(budgets.perResponseBytes('z', '/2'), undefined)
    assert.equal(budgets.perResponseBytes('z', '/1'), 11n)
    assert.equal(budgets.perResponseBytes('z', '/3'), 3n)
  })
})

describe('sizedTicketBudget', () => {
  const GIB = 2n ** 30n
  const cases: [bigint, bigint | undefined, number, bigint][] = [
    [GIB, 1_612n, 4, 6_448n],
    [GIB, 1_612n, 1, 1_612n],
    [GIB, undefined, 4, GIB],
    [GIB, 1_612n, 0, GIB],
    [GIB, GIB, 4, GIB],
    [5_000n, 1_612n, 4, 5_000n],
    [GIB, 0n, 4, GIB],
  ]
  for (const [configured, perResponse, responses, expected] of cases) {
    it(`configured ${String(configured)}, per response ${String(perResponse)}, ${String(responses)} responses → ${String(expected)}`, () => {
      assert.equal(sizedTicketBudget(configured, perResponse, responses), expected)
    })
  }
})
