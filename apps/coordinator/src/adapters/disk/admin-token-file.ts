import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BaseError } from '@meson/protocol'

export interface AdminTokenFile {
  readonly token: string
  readonly path: string
  /** False when an earlier start had already written the file. */
  readonly created: boolean
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT'
}

/**
 * Reads `<dataDir>/admin-token`, or creates it (mode 0600) with a fresh token, so an
 * operator who gave no token still has one that survives restarts.
 */
export async function ensureAdminTokenFile(dataDir: string): Promise<AdminTokenFile> {
  const path = join(dataDir, 'admin-token')
  try {
    const token = (await readFile(path, 'utf8')).trim()
    if (token.length < 16) throw new BaseError('ADMIN_TOKEN_FILE_INVALID', `the admin token file ${path} holds fewer than 16 characters; delete it to get a new one`)
    return { token, path, created: false }
  } catch (error) {
    if (!isMissingFile(error)) throw error
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const token = randomBytes(32).toString('base64url')
  // `wx` fails if the file appeared meanwhile (another process) and never follows a symlink.
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' })
  return { token, path, created: true }
}
