import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ObjectComparison } from './compare-sides.ts'
import { formatMeansTable, formatPeakRssTable, formatSummaryLines } from './results-report.ts'

const mean = { runs: 2, requestsPerSec: 10_000, transferBytesPerSec: 40 * 1024 * 1024, latencyP50Ms: 4, latencyP99Ms: 9, errors: 0 }
const comparisons: readonly ObjectComparison[] = [
  { object: '4KiB', means: [{ side: 'nginx', ...mean }, { side: 'node', ...mean, requestsPerSec: 8_500 }], nodeOverNginx: 0.85, targetRatio: 0.8, meetsTarget: true },
  { object: '1MiB', means: [{ side: 'nginx', ...mean }], nodeOverNginx: undefined, targetRatio: 1, meetsTarget: undefined },
  { object: '1MiB', means: [], nodeOverNginx: 0.5, targetRatio: 1, meetsTarget: false },
]

describe('formatSummaryLines', () => {
  it('prints the ratio with two decimals against its target, and says whether it was met', () => {
    assert.deepEqual(formatSummaryLines(comparisons), [
      '4KiB hit ratio node/nginx = 0.85 (target >= 0.80) [met]',
      '1MiB hit ratio node/nginx = - (target >= 1.00) [not measured]',
      '1MiB hit ratio node/nginx = 0.50 (target >= 1.00) [MISSED]',
    ])
  })
})

describe('formatMeansTable', () => {
  it('puts the ratio on the node row only', () => {
    const lines = formatMeansTable(comparisons).split('\n')
    assert.match(lines[2] ?? '', /^4KiB\s+nginx\s+2\s+10000\.0\s+40\.0 MiB\/s\s+4\.00 ms\s+9\.00 ms\s+0$/)
    assert.match(lines[3] ?? '', /^4KiB\s+node\s+2\s+8500\.0 .* 0\.85$/)
  })
})

describe('formatPeakRssTable', () => {
  it('lists each process in MiB and the side total', () => {
    const table = formatPeakRssTable([
      {
        side: 'nginx',
        processes: [
          { pid: 10, command: 'nginx', peakRssBytes: 2n * 1024n * 1024n },
          { pid: 11, command: 'nginx', peakRssBytes: 6n * 1024n * 1024n },
        ],
      },
    ])
    assert.match(table, /nginx\s+\(sum\)\s+8\.0 MiB/)
    assert.match(table, /nginx\s+nginx\s+11\s+6\.0 MiB/)
  })
})
