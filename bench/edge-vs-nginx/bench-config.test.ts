import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { parseBenchConfig } from './bench-config.ts'

describe('parseBenchConfig', () => {
  it('defaults to 2 rounds of 10 s with 50 connections, nginx against the node', () => {
    const config = parseBenchConfig({})
    assert.equal(config.duration, '10s')
    assert.equal(config.connections, 50)
    assert.equal(config.threads, 1)
    assert.equal(config.rounds, 2)
    assert.deepEqual(config.sides, ['nginx', 'node'])
    assert.equal(config.slowRequestCount, 20)
    assert.equal(config.collapseConcurrency, 50)
  })

  it('reads DURATION, CONNECTIONS and SIDES and ignores empty values', () => {
    const config = parseBenchConfig({ DURATION: '3s', CONNECTIONS: '8', SIDES: 'nginx, origin,nginx', ROUNDS: '' })
    assert.equal(config.duration, '3s')
    assert.equal(config.connections, 8)
    assert.equal(config.rounds, 2)
    assert.deepEqual(config.sides, ['nginx', 'origin'])
  })

  it('splits NODE_ARGS on whitespace', () => {
    assert.deepEqual(parseBenchConfig({ NODE_ARGS: ' --foo  bar ' }).nodeExtraArgs, ['--foo', 'bar'])
  })

  const invalid: readonly [string, Record<string, string>][] = [
    ['a duration without a number', { DURATION: 'ten' }],
    ['zero connections', { CONNECTIONS: '0' }],
    ['a fractional round count', { ROUNDS: '1.5' }],
    ['an unknown side', { SIDES: 'nginx,varnish' }],
  ]
  for (const [name, env] of invalid) {
    it(`rejects ${name} with BENCH_CONFIG_INVALID`, () => {
      assert.throws(() => parseBenchConfig(env), (error: unknown) => isErrorWithCode(error, 'BENCH_CONFIG_INVALID'))
    })
  }
})
