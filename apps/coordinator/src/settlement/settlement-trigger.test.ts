import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SettleOutcome } from './settler.ts'
import { SettlementTrigger } from './settlement-trigger.ts'

const SETTLED: SettleOutcome = { status: 'settled', sequence: 1, root: `0x${'11'.repeat(32)}`, txHash: `0x${'22'.repeat(32)}` }

/** A settle function whose runs finish when the test says so. */
function controlledSettle(): { settle: () => Promise<SettleOutcome>; calls: number; finish: (outcome: SettleOutcome | Error) => void } {
  const pending: ((outcome: SettleOutcome | Error) => void)[] = []
  const control = {
    calls: 0,
    settle: () => {
      control.calls += 1
      return new Promise<SettleOutcome>((resolve, reject) => pending.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome))))
    },
    finish: (outcome: SettleOutcome | Error) => {
      const next = pending.shift()
      assert.ok(next, 'a run is in progress')
      next(outcome)
    },
  }
  return control
}

describe('SettlementTrigger', () => {
  it('runs once for requests during a run, then once more for what closed meanwhile', async () => {
    const control = controlledSettle()
    const trigger = new SettlementTrigger({ settle: control.settle, retryDelayMs: 60_000 })
    trigger.request()
    trigger.request()
    trigger.request()
    assert.equal(control.calls, 1)
    const first = trigger.running
    control.finish(SETTLED)
    await first
    assert.equal(control.calls, 2, 'one more run for the requests made during the first')
    const second = trigger.running
    control.finish({ status: 'unchanged' })
    await second
    assert.equal(control.calls, 2)
    assert.equal(trigger.running, undefined)
    await trigger.stop()
  })

  it('reports a failed run and retries it until it succeeds', async () => {
    const control = controlledSettle()
    const errors: unknown[] = []
    const settled: SettleOutcome[] = []
    const trigger = new SettlementTrigger({ settle: control.settle, retryDelayMs: 1, onError: (error) => errors.push(error), onSettled: (outcome) => settled.push(outcome) })
    trigger.request()
    control.finish(new Error('rpc down'))
    // The retry timer starts a second run on its own.
    while (control.calls < 2) await new Promise((resolve) => setTimeout(resolve, 1))
    control.finish(SETTLED)
    await trigger.running
    assert.equal(errors.length, 1)
    assert.deepEqual(settled, [SETTLED])
    await trigger.stop()
  })

  it('retries a root still waiting to be mined, and stops retrying when stopped', async () => {
    const control = controlledSettle()
    const trigger = new SettlementTrigger({ settle: control.settle, retryDelayMs: 1 })
    trigger.request()
    control.finish({ status: 'pending', sequence: 1, root: SETTLED.root })
    while (control.calls < 2) await new Promise((resolve) => setTimeout(resolve, 1))
    const stopped = trigger.stop()
    control.finish({ status: 'pending', sequence: 1, root: SETTLED.root })
    await stopped
    trigger.request()
    await new Promise((resolve) => setTimeout(resolve, 5))
    assert.equal(control.calls, 2, 'no run after stop()')
  })
})
