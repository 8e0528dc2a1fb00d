import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseBenchConfig } from './bench-config.ts'
import { BENCH_OBJECTS } from './bench-objects.ts'
import { resultsFileName, stringifyResults, type BenchResults } from './bench-results.ts'

describe('resultsFileName', () => {
  it('uses the start time without colons or dots', () => {
    assert.equal(resultsFileName(new Date('2025-11-24T11:32:41.080Z')), 'edge-vs-nginx-2025-11-24T11-32-41-080Z.json')
  })
})

describe('stringifyResults', () => {
  it('writes bigint byte counts as decimal strings', () => {
    const results: BenchResults = {
      benchmark: 'edge-vs-nginx',
      startedAt: 'a',
      finishedAt: 'b',
      machine: { cpus: 2, loadAverageAtStart: [1], loadAverageAtEnd: [2], node: 'v24', nginx: undefined, wrk: 'wrk 4' },
      revision: { commit: undefined, hasUncommittedNodeChanges: undefined },
      config: parseBenchConfig({}),
      objects: BENCH_OBJECTS,
      warmUps: [],
      hitRuns: [],
      comparisons: [],
      summary: [],
      misses: [],
      peakRss: [{ side: 'nginx', processes: [{ pid: 1, command: 'nginx', peakRssBytes: 7_340_032n }] }],
    }
    const json = stringifyResults(results)
    assert.match(json, /"sizeBytes": "4096"/)
    assert.match(json, /"sizeBytes": "1048576"/)
    assert.match(json, /"peakRssBytes": "7340032"/)
    assert.doesNotThrow(() => JSON.parse(json))
  })
})
