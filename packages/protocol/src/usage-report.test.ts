import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { canonicalJson } from './canonical-json.ts'
import { newTicketNonce, newUsageBatchId } from './ids.ts'
import { MAX_USAGE_LINES, usageReportSchema } from './usage-report.ts'
import type { UsageReportWire } from './usage-report.ts'

const line = { ticketId: 'tn_abcdefghijklmnopqrst', zone: 'my-site', bytes: '1048576', ticket: 'e30.AAAA.AAAA' }
const valid: UsageReportWire = {
  batchId: 'ub_abcdefghijklmnopqrst',
  nodeId: 'nd_eh7ddx5bksrgcytl7bkai36se4nxx3kl',
  createdAt: 1_700_000_000_000,
  lines: [line, { ticketId: '0f8e4a52-6f0d-4d5e-9d7c-1f2e3d4c5b6a', zone: 'zon_abcdefghijklmnopqrst', bytes: '1', ticket: 'e30.AAAA.AAAA' }],
}

function linesOf(count: number): { ticketId: string; zone: string; bytes: string; ticket: string }[] {
  return Array.from({ length: count }, (_, index) => ({ ticketId: `tn_${String(index).padStart(20, '0')}`, zone: 'z', bytes: '1', ticket: 't' }))
}

describe('usageReportSchema', () => {
  it('accepts a valid report and parses bytes to bigint', () => {
    const parsed = usageReportSchema.parse(valid)
    assert.equal(parsed.lines[0]?.bytes, 1048576n)
  })

  it('refuses a line without its ticket (the coordinator re-checks every line from it)', () => {
    const { ticket: _dropped, ...bare } = line
    assert.equal(usageReportSchema.safeParse({ ...valid, lines: [bare] }).success, false)
  })

  it('accepts a UUID batch id and the generated ids', () => {
    assert.equal(usageReportSchema.safeParse({ ...valid, batchId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b' }).success, true)
    assert.equal(usageReportSchema.safeParse({ ...valid, batchId: newUsageBatchId(), lines: [{ ...line, ticketId: newTicketNonce() }] }).success, true)
  })

  it(`accepts exactly ${MAX_USAGE_LINES} lines`, () => {
    assert.equal(usageReportSchema.safeParse({ ...valid, lines: linesOf(MAX_USAGE_LINES) }).success, true)
  })

  it('accepts a line with a request count, and one without (older nodes)', () => {
    const parsed = usageReportSchema.parse({ ...valid, lines: [{ ...line, requests: 3 }] })
    assert.equal(parsed.lines[0]?.requests, 3)
    assert.equal(usageReportSchema.parse(valid).lines[0]?.requests, undefined)
  })

  it('round-trips through canonical JSON', () => {
    const parsed = usageReportSchema.parse(valid)
    assert.deepEqual(usageReportSchema.parse(JSON.parse(canonicalJson(parsed))), parsed)
  })

  const invalid: [string, unknown][] = [
    ['more than 10 000 lines', { ...valid, lines: linesOf(MAX_USAGE_LINES + 1) }],
    ['no lines', { ...valid, lines: [] }],
    ['zero bytes', { ...valid, lines: [{ ...line, bytes: '0' }] }],
    ['negative bytes', { ...valid, lines: [{ ...line, bytes: '-10' }] }],
    ['bytes as a number', { ...valid, lines: [{ ...line, bytes: 10 }] }],
    ['bytes of 2^64', { ...valid, lines: [{ ...line, bytes: '18446744073709551616' }] }],
    ['the same ticket twice', { ...valid, lines: [line, { ...line, bytes: '5' }] }],
    ['zero requests', { ...valid, lines: [{ ...line, requests: 0 }] }],
    ['a fractional request count', { ...valid, lines: [{ ...line, requests: 1.5 }] }],
    ['requests as a string', { ...valid, lines: [{ ...line, requests: '2' }] }],
    ['an extra key on a line', { ...valid, lines: [{ ...line, price: '1' }] }],
    ['an extra key on the report', { ...valid, signature: 'x' }],
    ['a batch id of another kind', { ...valid, batchId: 'cmd_abcdefghijklmnopqrst' }],
    ['a short ticket id', { ...valid, lines: [{ ...line, ticketId: 'abc' }] }],
    ['a zone with a slash', { ...valid, lines: [{ ...line, zone: 'a/b' }] }],
    ['an uppercase zone', { ...valid, lines: [{ ...line, zone: 'MySite' }] }],
  ]
  for (const [name, input] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(usageReportSchema.safeParse(input).success, false)
    })
  }
})
