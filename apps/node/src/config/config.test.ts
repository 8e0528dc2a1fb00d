import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { loadNodeConfig, loadNodeModeConfig } from './config.ts'

describe('loadNodeConfig', () => {
  it('applies the defaults', () => {
    const config = loadNodeConfig({ env: {}, flags: { originUrl: 'http://127.0.0.1:8000' } })
    assert.equal(config.port, 8003)
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.cacheSizeBytes, 10n * 1024n ** 3n)
    assert.equal(config.memoryCacheBytes, 256n * 1024n ** 2n)
    assert.equal(config.maxHeaderSizeBytes, 16384)
    assert.equal(config.adminToken, undefined)
    assert.equal(Object.isFrozen(config), true)
  })

  it('takes flags over the environment, and the environment over defaults', () => {
    const config = loadNodeConfig({
      env: { MESON_NODE_ORIGIN: 'http://env.example', MESON_NODE_PORT: '9000', MESON_NODE_CACHE_SIZE: '1GiB' },
      flags: { port: '9100' },
    })
    assert.equal(config.originUrl.href, 'http://env.example/')
    assert.equal(config.port, 9100)
    assert.equal(config.cacheSizeBytes, 1024n ** 3n)
  })

  const bad: readonly (readonly [string, Record<string, string>, RegExp])[] = [
    ['a missing origin', {}, /--origin \(MESON_NODE_ORIGIN\) is required/],
    ['a non-http origin', { originUrl: 'ftp://x' }, /--origin/],
    ['credentials in the origin', { originUrl: 'http://u:p@x' }, /must not contain credentials/],
    ['a bad size', { originUrl: 'http://x', cacheSizeBytes: 'lots' }, /--cache-size \(MESON_NODE_CACHE_SIZE\)/],
    ['a bad port', { originUrl: 'http://x', port: '70000' }, /--port \(MESON_NODE_PORT\)/],
    ['a short admin token', { originUrl: 'http://x', adminToken: 'abc' }, /--admin-token/],
    ['a zero timeout', { originUrl: 'http://x', originTimeoutMs: '0' }, /--origin-timeout-ms/],
    ['a Surrogate-Control target that is not a token', { originUrl: 'http://x', surrogateTarget: 'a;b' }, /--surrogate-target/],
  ]
  for (const [name, flags, message] of bad) {
    it(`refuses ${name}, naming the key`, () => {
      assert.throws(() => loadNodeConfig({ env: {}, flags }), (error: unknown) => isErrorWithCode(error, 'CONFIG_INVALID') && message.test(error.message))
    })
  }
})

describe('loadNodeModeConfig', () => {
  it('selects standalone mode with --origin, as loadNodeConfig does', () => {
    const loaded = loadNodeModeConfig({ env: {}, flags: { originUrl: 'http://127.0.0.1:8000' } })
    assert.equal(loaded.mode, 'standalone')
  })

  it('selects coordinator mode with --coordinator, with its defaults', () => {
    const loaded = loadNodeModeConfig({ env: { MESON_NODE_TOKEN: 'operator-token' }, flags: { coordinatorUrl: 'http://127.0.0.1:8080', port: '0' } })
    assert.ok(loaded.mode === 'coordinator')
    assert.equal(loaded.config.coordinatorUrl.href, 'http://127.0.0.1:8080/')
    assert.equal(loaded.config.operatorToken, 'operator-token')
    assert.equal(loaded.config.heartbeatIntervalMs, 30_000)
    assert.equal(loaded.config.publicUrl, undefined)
    assert.equal(loaded.config.port, 0)
    assert.equal(loaded.config.storageProofs, true)
    assert.equal(loaded.config.storageFillIntervalMs, 60_000)
    assert.equal(Object.isFrozen(loaded.config), true)
  })

  it('reads --storage-proofs and --storage-fill-interval-ms', () => {
    const loaded = loadNodeModeConfig({ env: { MESON_NODE_STORAGE_PROOFS: 'off' }, flags: { coordinatorUrl: 'http://c', operatorToken: 't', storageFillIntervalMs: '5000' } })
    assert.ok(loaded.mode === 'coordinator')
    assert.equal(loaded.config.storageProofs, false)
    assert.equal(loaded.config.storageFillIntervalMs, 5000)
  })

  const bad: readonly (readonly [string, Record<string, string>, RegExp])[] = [
    ['--origin with --coordinator', { coordinatorUrl: 'http://c', originUrl: 'http://o', operatorToken: 't' }, /exclude each other/],
    ['a missing token', { coordinatorUrl: 'http://c' }, /--token \(MESON_NODE_TOKEN\) is required/],
    ['credentials in the coordinator URL', { coordinatorUrl: 'http://u:p@c', operatorToken: 't' }, /must not contain credentials/],
    ['a heartbeat under 1 s', { coordinatorUrl: 'http://c', operatorToken: 't', heartbeatIntervalMs: '999' }, /--heartbeat-interval-ms/],
    ['a public URL with a fragment', { coordinatorUrl: 'http://c', operatorToken: 't', publicUrl: 'http://n/#x' }, /--public-url/],
    ['storage proofs neither on nor off', { coordinatorUrl: 'http://c', operatorToken: 't', storageProofs: 'maybe' }, /--storage-proofs \(MESON_NODE_STORAGE_PROOFS\)/],
    ['a zero storage fill interval', { coordinatorUrl: 'http://c', operatorToken: 't', storageFillIntervalMs: '0' }, /--storage-fill-interval-ms/],
    ['a bad pinned key', { coordinatorUrl: 'http://c', operatorToken: 't', pinnedCoordinatorKey: 'nope' }, /--coordinator-key/],
  ]
  for (const [name, flags, message] of bad) {
    it(`refuses ${name}, naming the key`, () => {
      assert.throws(() => loadNodeModeConfig({ env: {}, flags }), (error: unknown) => isErrorWithCode(error, 'CONFIG_INVALID') && message.test(error.message))
    })
  }
})
