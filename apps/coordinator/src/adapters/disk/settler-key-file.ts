import { readFile, stat } from 'node:fs/promises'
import type { Hex } from 'viem'
import { ConfigError } from '../../config/config-error.ts'

/**
 * The settler's private key from `settlerKeyFile`: a file nobody but its owner may read
 * (mode 0600 or stricter, like an SSH key) holding 32 bytes in hex. Errors name the file,
 * never its content.
 */
export async function readSettlerKeyFile(path: string): Promise<Hex> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) throw new ConfigError('settlerKeyFile', 'the file does not exist', path)
  if ((info.mode & 0o077) !== 0) throw new ConfigError('settlerKeyFile', `the file is readable by group or others: run chmod 600 ${path}`, path)
  const text = (await readFile(path, 'utf8')).trim()
  const hex = text.startsWith('0x') ? text : `0x${text}`
  if (!isPrivateKeyHex(hex)) throw new ConfigError('settlerKeyFile', 'the file does not hold a private key (32 bytes in hex)', path)
  return hex
}

function isPrivateKeyHex(text: string): text is Hex {
  return /^0x[0-9a-fA-F]{64}$/.test(text)
}
