import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Side } from './bench-config.ts'
import { compareSides, type HitRun } from './compare-sides.ts'

function run(side: Side, round: number, requestsPerSec: number, object = '4KiB'): HitRun {
  return {
    object,
    side,
    round,
    wrk: { requests: requestsPerSec * 10, requestsPerSec, transferBytesPerSec: requestsPerSec * 4096, latencyP50Ms: 2, latencyP99Ms: 4, latencyMaxMs: 9, socketErrors: 0, non2xxOr3xx: 0 },
  }
}

describe('compareSides', () => {
  const runs = [run('nginx', 1, 10_000), run('node', 1, 8_000), run('nginx', 2, 12_000), run('node', 2, 9_600), run('nginx', 1, 1, '1MiB')]

  it('averages each side over its rounds and divides node by nginx', () => {
    const comparison = compareSides(runs, '4KiB', ['nginx', 'node'], 0.8)
    assert.deepEqual(comparison.means.map((value) => [value.side, value.runs, value.requestsPerSec]), [
      ['nginx', 2, 11_000],
      ['node', 2, 8_800],
    ])
    assert.equal(comparison.nodeOverNginx, 0.8)
    assert.equal(comparison.meetsTarget, true)
  })

  it('misses the target when the node is slower than the ratio allows', () => {
    assert.equal(compareSides(runs, '4KiB', ['nginx', 'node'], 1.0).meetsTarget, false)
  })

  it('has no ratio when one side did not run', () => {
    const comparison = compareSides(runs, '1MiB', ['nginx', 'node'], 1.0)
    assert.equal(comparison.nodeOverNginx, undefined)
    assert.equal(comparison.meetsTarget, undefined)
    assert.equal(comparison.means.length, 1)
  })

  it('counts socket errors and non-2xx answers of every run', () => {
    const broken = { ...run('node', 1, 5), wrk: { ...run('node', 1, 5).wrk, socketErrors: 2, non2xxOr3xx: 3 } }
    assert.equal(compareSides([broken, broken], '4KiB', ['node'], 0.8).means[0]?.errors, 10)
  })
})
