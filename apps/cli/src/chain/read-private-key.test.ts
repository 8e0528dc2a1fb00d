import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { readPrivateKey } from './read-private-key.ts'

const KEY = `0x${'ab'.repeat(32)}`

describe('readPrivateKey', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meson-key-'))
  after(() => rm(dir, { recursive: true, force: true }))

  it('reads a 0600 key file', async () => {
    const file = join(dir, 'ok.key')
    await writeFile(file, `${KEY}\n`, { mode: 0o600 })
    assert.equal(await readPrivateKey(file, {}), KEY)
  })

  it('refuses a key file others can read, and says how to fix it without printing the key', async () => {
    const file = join(dir, 'open.key')
    await writeFile(file, KEY)
    await chmod(file, 0o644)
    await assert.rejects(readPrivateKey(file, {}), (error: Error) => error.message.includes('chmod 600') && !error.message.includes(KEY.slice(2)))
  })

  it('reads MESON_PRIVATE_KEY when no file is given, with or without 0x', async () => {
    assert.equal(await readPrivateKey(undefined, { MESON_PRIVATE_KEY: KEY.slice(2) }), KEY)
  })

  it('refuses when there is no key at all, or not a key', async () => {
    await assert.rejects(readPrivateKey(undefined, {}), /--key-file/)
    await assert.rejects(readPrivateKey(undefined, { MESON_PRIVATE_KEY: 'nonsense' }), /not a private key/)
  })
})
