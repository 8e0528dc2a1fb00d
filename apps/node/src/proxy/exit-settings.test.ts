import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseExitSettings } from './exit-settings.ts'

describe('exit settings', () => {
  it('is not an exit without a gateway', () => {
    assert.deepEqual(parseExitSettings({}), { ok: true, value: undefined })
  })
  it('reads the gateway, allow-list, caps, hours and ports', () => {
    const parsed = parseExitSettings({
      proxyGateway: '127.0.0.1:7402',
      exitAllow: '127.0.0.1:8080, [::1]:9000',
      exitMonthlyCap: '1GiB',
      exitBandwidth: '1MiB',
      exitHours: '22-6',
      exitBlockedPorts: '22',
    })
    assert.ok(parsed.ok)
    const settings = parsed.value
    assert.ok(settings !== undefined)
    assert.deepEqual(settings.gateway, { host: '127.0.0.1', port: 7402 })
    assert.deepEqual(settings.policy.allow, [{ address: '127.0.0.1', port: 8080 }, { address: '::1', port: 9000 }])
    assert.equal(settings.policy.monthlyCapBytes, 2n ** 30n)
    assert.equal(settings.policy.bandwidthBytesPerSecond, 2 ** 20)
    assert.deepEqual(settings.policy.allowedHoursUtc, { fromHour: 22, toHour: 6 })
    assert.deepEqual(settings.policy.blockedPorts, [25, 465, 587, 22])
  })
  it('has an empty allow-list by default', () => {
    const parsed = parseExitSettings({ proxyGateway: 'gw.example:7402' })
    assert.deepEqual(parsed.ok ? parsed.value?.policy.allow : 'error', [])
  })
  for (const [key, value] of [
    ['proxyGateway', 'nohost'],
    ['exitAllow', 'localhost:80'],
    ['exitAllow', '127.0.0.1'],
    ['exitMonthlyCap', 'lots'],
    ['exitHours', '9'],
    ['exitHours', '25-3'],
    ['exitBlockedPorts', '0'],
  ] as const) {
    it(`refuses ${key}=${value}`, () => {
      assert.equal(parseExitSettings({ proxyGateway: '127.0.0.1:1', [key]: value }).ok, false)
    })
  }
})
