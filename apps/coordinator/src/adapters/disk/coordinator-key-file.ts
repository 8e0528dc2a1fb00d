import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { BaseError, exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem, rawPublicKeyOf } from '@meson/protocol'
import type { KeyPair } from '@meson/protocol'

export interface CoordinatorKeyFile {
  readonly key: KeyPair
  readonly path: string
  /** False when an earlier start had already written the file. */
  readonly created: boolean
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code
}

async function readKey(path: string): Promise<KeyPair | undefined> {
  let pem: string
  try {
    pem = await readFile(path, 'utf8')
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined
    throw error
  }
  const imported = importPrivateKeyPem(pem)
  if (!imported.ok) {
    throw new BaseError('COORDINATOR_KEY_FILE_INVALID', `The coordinator key file ${path} does not hold an ed25519 private key; restore it from a backup (deleting it makes a new key, which every node must learn again).`, { details: imported.reason })
  }
  return { privateKey: imported.value, publicKey: rawPublicKeyOf(imported.value) }
}

/**
 * Loads the coordinator's ed25519 key (it signs tickets and commands, DESIGN.md §3) from
 * a PKCS#8 PEM file, or creates it on first start with mode 0600. Creation is atomic and
 * race-safe: the key goes to a temp file first, then `link()` publishes it only if no
 * file exists yet, so two coordinators starting at once end up with the same key.
 */
export async function ensureCoordinatorKeyFile(path: string): Promise<CoordinatorKeyFile> {
  const existing = await readKey(path)
  if (existing !== undefined) return { key: existing, path, created: false }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const key = generateKeyPair()
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, exportPrivateKeyPem(key.privateKey), { mode: 0o600, flag: 'wx' })
  try {
    await link(temp, path)
  } catch (error) {
    if (!hasCode(error, 'EEXIST')) throw error
    const winner = await readKey(path)
    if (winner === undefined) throw error
    return { key: winner, path, created: false }
  } finally {
    await unlink(temp).catch(() => undefined)
  }
  return { key, path, created: true }
}
