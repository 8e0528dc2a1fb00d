import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { readSettlerKeyFile } from './settler-key-file.ts'

const KEY = `0x${'ab'.repeat(32)}`

describe('readSettlerKeyFile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meson-settler-key-'))
  after(() => rm(dir, { recursive: true, force: true }))
  const write = async (name: string, content: string, mode: number): Promise<string> => {
    const path = join(dir, name)
    await writeFile(path, content)
    await chmod(path, mode)
    return path
  }

  it('reads a 0600 file with or without 0x and a trailing newline', async () => {
    assert.equal(await readSettlerKeyFile(await write('a', `${KEY}\n`, 0o600)), KEY)
    assert.equal(await readSettlerKeyFile(await write('b', KEY.slice(2), 0o400)), KEY)
  })

  it('refuses a file others can read, without echoing the key', async () => {
    const path = await write('c', KEY, 0o644)
    await assert.rejects(readSettlerKeyFile(path), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID')
      assert.match(error.message, /chmod 600/)
      assert.ok(!error.message.includes(KEY.slice(2)))
      return true
    })
  })

  it('refuses a missing file and one that holds no key', async () => {
    await assert.rejects(readSettlerKeyFile(join(dir, 'missing')), /does not exist/)
    await assert.rejects(readSettlerKeyFile(await write('d', 'not a key', 0o600)), /not hold a private key/)
  })
})
