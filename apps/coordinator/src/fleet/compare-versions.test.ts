import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareVersions, isVersionAtLeast } from './compare-versions.ts'

describe('compareVersions', () => {
  // The ordering example of semver.org §11.4, each strictly below the next.
  const ascending = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0']
  for (let index = 0; index + 1 < ascending.length; index++) {
    const lower = ascending[index] ?? ''
    const higher = ascending[index + 1] ?? ''
    it(`orders ${lower} before ${higher} (semver §11.4)`, () => {
      assert.equal(compareVersions(lower, higher), -1)
      assert.equal(compareVersions(higher, lower), 1)
    })
  }

  it('compares major, minor and patch numerically, not as text (§11.2)', () => {
    assert.equal(compareVersions('1.10.0', '1.9.0'), 1)
    assert.equal(compareVersions('2.0.0', '10.0.0'), -1)
    assert.equal(compareVersions('0.1.10', '0.1.9'), 1)
  })

  it('ignores build metadata (§10)', () => {
    assert.equal(compareVersions('1.2.3+build.5', '1.2.3'), 0)
  })

  it('handles numbers beyond 2^53 exactly', () => {
    assert.equal(compareVersions('9007199254740993.0.0', '9007199254740992.0.0'), 1)
  })

  it('returns undefined for something that is not a version', () => {
    assert.equal(compareVersions('1.2', '1.2.0'), undefined)
    assert.equal(compareVersions('1.2.3', 'v1.2.3'), undefined)
  })
})

describe('isVersionAtLeast', () => {
  it('accepts the minimum itself and newer versions', () => {
    assert.equal(isVersionAtLeast('0.1.0', '0.1.0'), true)
    assert.equal(isVersionAtLeast('0.2.0', '0.1.0'), true)
  })

  it('refuses older versions and pre-releases of the minimum', () => {
    assert.equal(isVersionAtLeast('0.0.9', '0.1.0'), false)
    assert.equal(isVersionAtLeast('0.1.0-rc.1', '0.1.0'), false)
  })

  it('refuses a malformed version rather than letting it through', () => {
    assert.equal(isVersionAtLeast('latest', '0.1.0'), false)
  })
})
