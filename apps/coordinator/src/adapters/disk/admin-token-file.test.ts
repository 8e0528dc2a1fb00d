import assert from 'node:assert/strict'
import { mkdtemp, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ensureAdminTokenFile } from './admin-token-file.ts'

describe('ensureAdminTokenFile', () => {
  it('creates <dataDir>/admin-token with mode 0600, then reuses it', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'meson-admin-')), 'nested')
    const first = await ensureAdminTokenFile(dataDir)
    assert.equal(first.created, true)
    assert.equal(first.path, join(dataDir, 'admin-token'))
    assert.match(first.token, /^[A-Za-z0-9_-]{43}$/)
    assert.equal((await stat(first.path)).mode & 0o777, 0o600)
    const second = await ensureAdminTokenFile(dataDir)
    assert.deepEqual(second, { token: first.token, path: first.path, created: false })
  })

  it('refuses a file that holds too short a token', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meson-admin-'))
    await writeFile(join(dataDir, 'admin-token'), 'short\n')
    await assert.rejects(ensureAdminTokenFile(dataDir), { code: 'ADMIN_TOKEN_FILE_INVALID' })
  })
})
