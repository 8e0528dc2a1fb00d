import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderTextTable } from './text-table.ts'

describe('renderTextTable', () => {
  it('right-aligns numeric columns, with or without a unit, under a rule', () => {
    const table = renderTextTable(['side', 'req/s', 'p99'], [['nginx', '12000.0', '5.10 ms'], ['node', '9.5', '-']])
    assert.equal(table, ['side     req/s      p99', '-----  -------  -------', 'nginx  12000.0  5.10 ms', 'node       9.5        -'].join('\n'))
  })

  it('left-aligns a column that holds text', () => {
    const table = renderTextTable(['side', 'header'], [['node', 'meson; hit'], ['nginx', 'HIT']])
    assert.equal(table.split('\n')[3], 'nginx  HIT')
  })
})
