import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseZoneRequestTarget, zoneObjectTarget } from './zone-request-target.ts'

describe('parseZoneRequestTarget', () => {
  const cases: [string, ReturnType<typeof parseZoneRequestTarget>][] = [
    ['/z/my-site/img/logo.png', { zone: 'my-site', path: '/img/logo.png', query: '', ticket: undefined }],
    ['/z/my-site/img/logo.png?mt=a.b', { zone: 'my-site', path: '/img/logo.png', query: '', ticket: 'a.b' }],
    ['/z/my-site/a?v=1&mt=a.b&w=2', { zone: 'my-site', path: '/a', query: 'v=1&w=2', ticket: 'a.b' }],
    ['/z/my-site/a?mt=a%2Eb', { zone: 'my-site', path: '/a', query: '', ticket: 'a.b' }],
    ['/z/my-site/a?mt=x&mt=y', { zone: 'my-site', path: '/a', query: '', ticket: undefined }],
    ['/z/my-site/a?mtx=1', { zone: 'my-site', path: '/a', query: 'mtx=1', ticket: undefined }],
    ['/z/my-site/', { zone: 'my-site', path: '/', query: '', ticket: undefined }],
    ['/z/my-site', undefined],
    ['/z/My-Site/a', undefined],
    ['/z//a', undefined],
    ['/z/a%2Fb/c', undefined],
    ['/img/logo.png', undefined],
  ]
  for (const [target, expected] of cases) {
    it(`reads ${target}`, () => {
      assert.deepEqual(parseZoneRequestTarget(target), expected)
    })
  }

  it('keeps the object target without mt, in its order', () => {
    const target = parseZoneRequestTarget('/z/s/a?b=2&mt=t&a=1')
    assert.ok(target)
    assert.equal(zoneObjectTarget(target), '/a?b=2&a=1')
  })
})
