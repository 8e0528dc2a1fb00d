import { stat, readFile } from 'node:fs/promises'
import type { Hex } from 'viem'

/** The environment variable a key may come from instead of a file. */
export const PRIVATE_KEY_ENV = 'MESON_PRIVATE_KEY'

/**
 * The signing key, from `--key-file` (which must not be readable by group or others,
 * like an SSH key: mode 0600 or stricter) or from MESON_PRIVATE_KEY. Never a flag: a
 * flag would sit in the shell history and the process list. Errors never echo the key.
 */
export async function readPrivateKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Hex> {
  let text: string
  if (keyFile !== undefined) {
    const info = await stat(keyFile).catch(() => undefined)
    if (info === undefined) throw new Error(`the key file ${keyFile} does not exist`)
    if ((info.mode & 0o077) !== 0) throw new Error(`the key file ${keyFile} is readable by others: run chmod 600 ${keyFile}`)
    text = await readFile(keyFile, 'utf8')
  } else {
    const fromEnv = env[PRIVATE_KEY_ENV]
    if (fromEnv === undefined || fromEnv === '') throw new Error(`no key: pass --key-file F (a 0600 file holding the private key) or set ${PRIVATE_KEY_ENV}`)
    text = fromEnv
  }
  const key = text.trim()
  const hex = key.startsWith('0x') ? key : `0x${key}`
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new Error('the key is not a private key (32 bytes in hex)')
  return hex as Hex
}
