import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { canonicalJson } from './canonical-json.ts'
import { heartbeatRequestSchema, heartbeatSchema } from './heartbeat.ts'
import type { HeartbeatWire } from './heartbeat.ts'

const valid: HeartbeatWire = {
  nodeId: 'nd_eh7ddx5bksrgcytl7bkai36se4nxx3kl',
  seq: 42,
  timestamp: 1_700_000_030_000,
  load: 0.25,
  freeDiskBytes: '53687091200',
  servedBytes: '123456789012345678',
  cache: { hits: 900, misses: 100, objects: 321, storedBytes: '1073741824' },
  inflight: 3,
}

describe('heartbeatSchema', () => {
  it('accepts a valid heartbeat and parses byte counts beyond 2^53 exactly', () => {
    const parsed = heartbeatSchema.parse(valid)
    assert.equal(parsed.servedBytes, 123456789012345678n)
    assert.equal(parsed.cache.storedBytes, 1073741824n)
  })

  it('round-trips through canonical JSON', () => {
    const parsed = heartbeatSchema.parse(valid)
    assert.deepEqual(heartbeatSchema.parse(JSON.parse(canonicalJson(parsed))), parsed)
  })

  for (const load of [0, 1]) {
    it(`accepts the load bound ${load}`, () => {
      assert.equal(heartbeatSchema.safeParse({ ...valid, load }).success, true)
    })
  }

  it('accepts signed acks and a draining status, both optional', () => {
    const parsed = heartbeatSchema.parse({ ...valid, acks: ['cmd_aaaaaaaaaaaaaaaaaaaa'], status: 'draining' })
    assert.deepEqual(parsed.acks, ['cmd_aaaaaaaaaaaaaaaaaaaa'])
    assert.equal(parsed.status, 'draining')
    assert.equal(heartbeatSchema.parse(valid).acks, undefined)
  })

  const invalid: [string, unknown][] = [
    ['an ack that is not a command id', { ...valid, acks: ['x'] }],
    ['more than 1000 acks', { ...valid, acks: Array.from({ length: 1001 }, (_, i) => `cmd_${String(i).padStart(20, 'a')}`) }],
    ['an unknown status', { ...valid, status: 'sleeping' }],
    ['an unknown key', { ...valid, uptime: 5 }],
    ['an unknown cache key', { ...valid, cache: { ...valid.cache, ratio: 0.9 } }],
    ['a load above 1', { ...valid, load: 1.01 }],
    ['a negative load', { ...valid, load: -0.1 }],
    ['a NaN-like load', { ...valid, load: 'NaN' }],
    ['a fractional seq', { ...valid, seq: 1.5 }],
    ['a negative seq', { ...valid, seq: -1 }],
    ['served bytes as a number', { ...valid, servedBytes: 5 }],
    ['negative free disk', { ...valid, freeDiskBytes: '-5' }],
    ['free disk in exponent form', { ...valid, freeDiskBytes: '1e9' }],
    ['negative inflight', { ...valid, inflight: -1 }],
    ['a missing cache', { ...valid, cache: undefined }],
    ['null', null],
  ]
  for (const [name, input] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(heartbeatSchema.safeParse(input).success, false)
    })
  }
})

describe('heartbeatRequestSchema', () => {
  const envelope = { payload: valid, signature: 'c2lnbmF0dXJl' }

  it('accepts a body that is only the signed heartbeat', () => {
    assert.equal(heartbeatRequestSchema.safeParse({ heartbeat: envelope }).success, true)
  })

  it('refuses status or acks beside the envelope (they belong inside the signed payload)', () => {
    assert.equal(heartbeatRequestSchema.safeParse({ heartbeat: envelope, status: 'draining' }).success, false)
    assert.equal(heartbeatRequestSchema.safeParse({ heartbeat: envelope, acks: [] }).success, false)
  })
})
