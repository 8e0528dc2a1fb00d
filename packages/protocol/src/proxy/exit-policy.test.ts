import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_EXIT_POLICY, decideExitSchedule, parseExitAllowEntry, parseHostPort } from './exit-policy.ts'
import type { ExitPolicy } from './exit-policy.ts'
import { formatIpAddress, parseIpAddress } from './ip-address.ts'
import { precheckExitTarget, resolveExitTarget } from './resolve-exit-target.ts'

const never = (): Promise<readonly string[]> => Promise.reject(new Error('a literal must never be resolved'))

/** [spelling, expected class or 'public']; every row is judged on port 443. */
const LITERALS: readonly (readonly [string, string])[] = [
  // loopback in every inet_aton spelling
  ['127.0.0.1', 'loopback'],
  ['127.1', 'loopback'],
  ['127.0.1', 'loopback'],
  ['2130706433', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['0x7f.0.0.1', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['0177.0.0.01', 'loopback'],
  ['017700000001', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['127.0.0.1.', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['[::ffff:127.0.0.1]', 'loopback'],
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::7f00:1', 'loopback'],
  ['2002:7f00:1::', 'loopback'],
  // unspecified
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0x0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['::ffff:0.0.0.0', 'unspecified'],
  // private, RFC 1918, and deprecated site-local
  ['10.0.0.1', 'private'],
  ['012.0.0.1', 'private'],
  ['167772161', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['0xc0.0xa8.1.1', 'private'],
  ['192.168.257', 'private'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:192.168.0.1', 'private'],
  ['2002:c0a8:101::1', 'private'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['fec0::1', 'private'],
  // link-local incl. cloud metadata
  ['169.254.169.254', 'link-local'],
  ['2852039166', 'link-local'],
  ['0xa9.0xfe.0xa9.0xfe', 'link-local'],
  ['0251.0376.0251.0376', 'link-local'],
  ['169.254.43518', 'link-local'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:a9fe:a9fe', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  // CGNAT
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.254', 'cgnat'],
  ['::ffff:100.64.0.1', 'cgnat'],
  // multicast, broadcast
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['4294967295', 'broadcast'],
  ['::ffff:255.255.255.255', 'broadcast'],
  // reserved
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['100::1', 'reserved'],
  ['64:ff9b:1::1', 'reserved'],
  ['2001:10::1', 'reserved'],
  ['4000::1', 'reserved'],
  ['::2:3:4:5', 'reserved'],
  // benchmarking
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['2001:2::1', 'benchmarking'],
  // documentation
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['::ffff:192.0.2.1', 'documentation'],
  // ULA, Teredo
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'tunnel'],
  // public (judged as data only: no test dials these)
  ['1.1.1.1', 'public'],
  ['16843009', 'public'],
  ['8.8.8.8', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['172.32.0.1', 'public'],
  ['198.17.255.255', 'public'],
  ['198.20.0.0', 'public'],
  ['::ffff:1.1.1.1', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['2002:0101:0101::1', 'public'],
  ['64:ff9b::1.1.1.1', 'public'],
]

describe('exit policy: IP literals in every spelling', () => {
  for (const [spelling, expected] of LITERALS) {
    it(`${spelling} is ${expected}`, async () => {
      const decision = await resolveExitTarget(spelling.replace(/^\[|\]$/g, ''), 443, DEFAULT_EXIT_POLICY, never)
      if (expected === 'public') assert.equal(decision.allowed, true)
      else assert.deepEqual(decision, { allowed: false, reason: 'forbidden-address', addressClass: expected })
      // The gateway's mirror agrees on literals.
      assert.equal(precheckExitTarget(spelling, 443, DEFAULT_EXIT_POLICY).allowed, expected === 'public')
    })
  }
})

describe('exit policy: host names through a stub resolver', () => {
  const stub = (table: Record<string, readonly string[]>) => (name: string) => {
    const answer = table[name]
    return answer === undefined ? Promise.reject(new Error('NXDOMAIN')) : Promise.resolve(answer)
  }
  const resolver = stub({
    'rebind.example': ['127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.215.14', '10.0.0.5'],
    'mapped.example': ['::ffff:192.168.0.1'],
    'ula.example': ['fd00::5'],
    'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'empty.example': [],
  })
  const cases: readonly (readonly [string, string])[] = [
    ['rebind.example', 'forbidden-address'],
    ['metadata.example', 'forbidden-address'],
    ['mixed.example', 'forbidden-address'],
    ['mapped.example', 'forbidden-address'],
    ['ula.example', 'forbidden-address'],
    ['empty.example', 'no-address'],
    ['nxdomain.example', 'no-address'],
    ['localhost', 'forbidden-address'],
    ['LOCALHOST.', 'forbidden-address'],
    ['api.localhost', 'forbidden-address'],
  ]
  for (const [name, reason] of cases) {
    it(`refuses ${name} (${reason})`, async () => {
      const decision = await resolveExitTarget(name, 443, DEFAULT_EXIT_POLICY, resolver)
      assert.equal('reason' in decision ? decision.reason : 'allowed', reason)
    })
  }
  it('dials the checked address, not the name', async () => {
    const decision = await resolveExitTarget('public.example', 443, DEFAULT_EXIT_POLICY, resolver)
    assert.deepEqual(decision, { allowed: true, address: '93.184.215.14' })
  })
})

describe('exit policy: ports and the allow-list', () => {
  for (const port of [25, 465, 587]) {
    it(`blocks SMTP port ${port} by default`, () => {
      assert.deepEqual(precheckExitTarget('mail.example', port, DEFAULT_EXIT_POLICY), { allowed: false, reason: 'blocked-port' })
    })
  }
  it('blocks operator ports and bad port numbers', () => {
    const policy: ExitPolicy = { blockedPorts: [22], allow: [] }
    assert.equal(precheckExitTarget('ssh.example', 22, policy).allowed, false)
    assert.equal(precheckExitTarget('x.example', 0, policy).allowed, false)
    assert.equal(precheckExitTarget('x.example', 70000, policy).allowed, false)
  })
  it('opens exactly the allow-listed loopback address and port, in any spelling', async () => {
    const entry = parseExitAllowEntry('127.0.0.1:8080')
    assert.deepEqual(entry, { address: '127.0.0.1', port: 8080 })
    const policy: ExitPolicy = { ...DEFAULT_EXIT_POLICY, allow: [{ address: '127.0.0.1', port: 8080 }] }
    assert.deepEqual(await resolveExitTarget('2130706433', 8080, policy, never), { allowed: true, address: '127.0.0.1' })
    assert.equal((await resolveExitTarget('127.0.0.1', 8081, policy, never)).allowed, false)
    assert.equal((await resolveExitTarget('127.0.0.2', 8080, policy, never)).allowed, false)
    assert.equal((await resolveExitTarget('::1', 8080, policy, never)).allowed, false)
  })
  it('parses IPv6 allow entries and rejects junk', () => {
    assert.deepEqual(parseExitAllowEntry('[::1]:9000'), { address: '::1', port: 9000 })
    assert.equal(parseExitAllowEntry('localhost:80'), undefined)
    assert.equal(parseExitAllowEntry('127.0.0.1'), undefined)
    assert.equal(parseExitAllowEntry('127.0.0.1:0'), undefined)
  })
  it('splits CONNECT authorities', () => {
    assert.deepEqual(parseHostPort('example.com:443'), { host: 'example.com', port: 443 })
    assert.deepEqual(parseHostPort('[2001:db8::1]:80'), { host: '2001:db8::1', port: 80 })
    assert.equal(parseHostPort('example.com'), undefined)
    assert.equal(parseHostPort('a b:80'), undefined)
    assert.equal(parseHostPort('user@host:80'), undefined)
  })
})

describe('exit policy: operator schedule and volume', () => {
  const noon = Date.UTC(2026, 10, 29, 12)
  it('refuses once the monthly cap is reached', () => {
    const policy: ExitPolicy = { ...DEFAULT_EXIT_POLICY, monthlyCapBytes: 1000n }
    assert.equal(decideExitSchedule(policy, noon, 999n), undefined)
    assert.deepEqual(decideExitSchedule(policy, noon, 1000n), { allowed: false, reason: 'monthly-cap' })
  })
  it('serves only inside the allowed hours, wrapping midnight', () => {
    const day: ExitPolicy = { ...DEFAULT_EXIT_POLICY, allowedHoursUtc: { fromHour: 9, toHour: 17 } }
    const night: ExitPolicy = { ...DEFAULT_EXIT_POLICY, allowedHoursUtc: { fromHour: 22, toHour: 6 } }
    assert.equal(decideExitSchedule(day, noon, 0n), undefined)
    assert.deepEqual(decideExitSchedule(night, noon, 0n), { allowed: false, reason: 'outside-hours' })
    assert.equal(decideExitSchedule(night, Date.UTC(2026, 10, 29, 23), 0n), undefined)
    assert.equal(decideExitSchedule(night, Date.UTC(2026, 10, 29, 3), 0n), undefined)
  })
})

describe('ip address text', () => {
  it('formats canonically (RFC 5952)', () => {
    const text = (spelling: string): string | undefined => {
      const parsed = parseIpAddress(spelling)
      return parsed === undefined ? undefined : formatIpAddress(parsed)
    }
    assert.equal(text('0x7f.1'), '127.0.0.1')
    assert.equal(text('2001:DB8:0:0:0:0:0:1'), '2001:db8::1')
    assert.equal(text('::ffff:1.2.3.4'), '::ffff:102:304')
    assert.equal(text('example.com'), undefined)
    assert.equal(text('256.1.1.1'), undefined)
    assert.equal(text('1.2.3.4.5'), undefined)
    assert.equal(text('08.1.1.1'), undefined)
    assert.equal(text('1:2:3:4:5:6:7:8:9'), undefined)
    assert.equal(text('1::2::3'), undefined)
  })
})
