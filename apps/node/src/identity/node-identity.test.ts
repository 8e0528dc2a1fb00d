import assert from 'node:assert/strict'
import { chmod, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isErrorWithCode, nodeIdFromPublicKey, signPayload, verifyPayload } from '@meson/protocol'
import { loadOrCreateNodeIdentity, NODE_KEY_FILE_NAME } from './node-identity.ts'

const root = await mkdtemp(join(tmpdir(), 'meson-identity-'))
after(() => rm(root, { recursive: true, force: true }))
let counter = 0
function freshDir(): string {
  counter += 1
  return join(root, `data-${counter}`)
}

describe('loadOrCreateNodeIdentity', () => {
  it('creates an ed25519 key on first start, stored as PEM with mode 0600', async () => {
    const dataDir = freshDir()
    const identity = await loadOrCreateNodeIdentity(dataDir)
    assert.equal(identity.created, true)
    assert.equal(identity.nodeId, nodeIdFromPublicKey(identity.publicKey))
    const keyStats = await stat(join(dataDir, NODE_KEY_FILE_NAME))
    assert.equal(keyStats.mode & 0o777, 0o600)
    // No temp file is left behind.
    assert.deepEqual(await readdir(dataDir), [NODE_KEY_FILE_NAME])
    const signature = signPayload(identity.privateKey, { hello: 1 }, 'heartbeat')
    assert.equal(verifyPayload(identity.publicKey, { hello: 1 }, signature, 'heartbeat'), true)
  })

  it('reuses the stored key on the next start', async () => {
    const dataDir = freshDir()
    const first = await loadOrCreateNodeIdentity(dataDir)
    const second = await loadOrCreateNodeIdentity(dataDir)
    assert.equal(second.created, false)
    assert.equal(second.nodeId, first.nodeId)
    assert.deepEqual(second.publicKey, first.publicKey)
  })

  it('gives one identity to concurrent first starts', async () => {
    const dataDir = freshDir()
    const identities = await Promise.all([loadOrCreateNodeIdentity(dataDir), loadOrCreateNodeIdentity(dataDir), loadOrCreateNodeIdentity(dataDir)])
    const stored = await loadOrCreateNodeIdentity(dataDir)
    for (const identity of identities) assert.equal(identity.nodeId, stored.nodeId)
  })

  for (const mode of [0o640, 0o604, 0o644]) {
    it(`refuses a key file with mode ${mode.toString(8)} (readable by others)`, async () => {
      const dataDir = freshDir()
      await loadOrCreateNodeIdentity(dataDir)
      await chmod(join(dataDir, NODE_KEY_FILE_NAME), mode)
      await assert.rejects(loadOrCreateNodeIdentity(dataDir), (error) => {
        assert.ok(isErrorWithCode(error, 'NODE_KEY_INSECURE_PERMISSIONS'))
        assert.match(error.shortMessage, /chmod 600/)
        return true
      })
    })
  }

  it('refuses a corrupt key file with NODE_KEY_INVALID and does not replace it', async () => {
    const dataDir = freshDir()
    await loadOrCreateNodeIdentity(dataDir)
    const path = join(dataDir, NODE_KEY_FILE_NAME)
    await writeFile(path, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n', { mode: 0o600 })
    await assert.rejects(loadOrCreateNodeIdentity(dataDir), (error) => isErrorWithCode(error, 'NODE_KEY_INVALID'))
    await assert.rejects(loadOrCreateNodeIdentity(dataDir), (error) => isErrorWithCode(error, 'NODE_KEY_INVALID'))
  })

  it('refuses a key of another algorithm', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const dataDir = freshDir()
    await loadOrCreateNodeIdentity(dataDir)
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    await writeFile(join(dataDir, NODE_KEY_FILE_NAME), ecKey, { mode: 0o600 })
    await assert.rejects(loadOrCreateNodeIdentity(dataDir), (error) => isErrorWithCode(error, 'NODE_KEY_INVALID'))
  })

  it('refuses a key path that is a symlink', async () => {
    const dataDir = freshDir()
    const elsewhere = freshDir()
    await loadOrCreateNodeIdentity(elsewhere)
    await loadOrCreateNodeIdentity(dataDir)
    await rm(join(dataDir, NODE_KEY_FILE_NAME))
    await symlink(join(elsewhere, NODE_KEY_FILE_NAME), join(dataDir, NODE_KEY_FILE_NAME))
    await assert.rejects(loadOrCreateNodeIdentity(dataDir), (error) => isErrorWithCode(error, 'NODE_KEY_NOT_A_FILE'))
  })
})
