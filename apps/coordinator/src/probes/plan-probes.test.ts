import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRandom } from '../testing/cheating-node.ts'
import { DEFAULT_PROBE_SETTINGS, nextProbeDelayMs, planProbeRound } from './plan-probes.ts'
import { parseProbeObjectPath, probeObjectPath, probeOriginBody } from './probe-origin-body.ts'

describe('probe planning', () => {
  it('jitters the wait between rounds to 50–150 % of the interval', () => {
    const random = seededRandom(7)
    const delays = Array.from({ length: 200 }, () => nextProbeDelayMs(DEFAULT_PROBE_SETTINGS, random))
    assert.ok(delays.every((delay) => delay >= DEFAULT_PROBE_SETTINGS.intervalMs * 0.5 && delay < DEFAULT_PROBE_SETTINGS.intervalMs * 1.5))
    assert.ok(new Set(delays).size > 150, 'waits differ, so they cannot be predicted')
  })

  it('plans a fresh object for every content and speed probe, with byte ranges inside the object', () => {
    const random = seededRandom(8)
    const tokens = new Set<string>()
    for (let round = 0; round < 100; round += 1) {
      for (const probe of planProbeRound('n1', DEFAULT_PROBE_SETTINGS, random)) {
        if (probe.kind === 'reachability') continue
        assert.equal(tokens.has(probe.token), false)
        tokens.add(probe.token)
        if (probe.kind === 'content' && probe.range !== null) assert.ok(probe.range.start <= probe.range.end && probe.range.end < probe.sizeBytes)
      }
    }
  })
})

describe('probe origin body', () => {
  it('is a function of the token and size only, and differs between tokens', () => {
    assert.deepEqual(probeOriginBody('a'.repeat(32), 100), probeOriginBody('a'.repeat(32), 100))
    assert.notDeepEqual(probeOriginBody('a'.repeat(32), 100), probeOriginBody('b'.repeat(32), 100))
    assert.equal(probeOriginBody('x'.repeat(32), 7).length, 7)
  })

  it('parses its own paths and refuses others or oversized ones', () => {
    assert.deepEqual(parseProbeObjectPath(probeObjectPath('t'.repeat(20), 500), 1000), { token: 't'.repeat(20), sizeBytes: 500 })
    assert.equal(parseProbeObjectPath(`/${'t'.repeat(20)}/5000`, 1000), undefined)
    assert.equal(parseProbeObjectPath('/../etc/passwd', 1000), undefined)
  })
})
