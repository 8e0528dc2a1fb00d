import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { BaseError, decodeBase64Url, encodeBase64Url, ticketKeyIdSchema } from '@meson/protocol'
import type { TicketMasterKey } from '../../tickets/coordinator-ticket-keys.ts'

/**
 * The ticket master secrets (ADR 0016), JSON, mode 0600:
 * `{ "keys": [{ "kid": "k1", "secret": "<base64url, ≥ 32 bytes>", "activeFrom": 0 }] }`.
 * Every coordinator replica must read the same file. To rotate, add a generation with a
 * new `kid` and an `activeFrom` at least one heartbeat interval ahead (nodes learn it
 * first), and remove the old one once ticket TTL + usage grace have passed after that.
 */
const fileSchema = z.strictObject({
  keys: z
    .array(
      z.strictObject({
        kid: ticketKeyIdSchema,
        secret: z.string().refine((text) => (decodeBase64Url(text)?.length ?? 0) >= 32, 'not base64url of at least 32 bytes'),
        activeFrom: z.int().nonnegative(),
      }),
    )
    .min(1)
    .max(16),
})

export interface TicketMasterKeyFile {
  readonly keys: readonly TicketMasterKey[]
  readonly path: string
  readonly created: boolean
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code
}

async function readKeys(path: string): Promise<TicketMasterKey[] | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined
    throw error
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    raw = undefined
  }
  const parsed = fileSchema.safeParse(raw)
  if (!parsed.success) {
    // The reason names fields, never the secrets' values.
    throw new BaseError('TICKET_KEY_FILE_INVALID', `The ticket key file ${path} is not { keys: [{ kid, secret, activeFrom }] }; restore it from a backup or another replica.`, { details: parsed.error.issues[0]?.message ?? 'invalid' })
  }
  return parsed.data.keys.map((key) => ({ kid: key.kid, secret: decodeBase64Url(key.secret) ?? new Uint8Array(), activeFrom: key.activeFrom }))
}

/**
 * Loads the ticket master secrets, or creates the file with one fresh generation on
 * first start (0600, published atomically with `link()` as the coordinator key file is,
 * so two coordinators starting at once end up with the same secret).
 */
export async function ensureTicketMasterKeyFile(path: string): Promise<TicketMasterKeyFile> {
  const existing = await readKeys(path)
  if (existing !== undefined) return { keys: existing, path, created: false }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const fresh: TicketMasterKey = { kid: 'k1', secret: new Uint8Array(randomBytes(32)), activeFrom: 0 }
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const body = `${JSON.stringify({ keys: [{ kid: fresh.kid, secret: encodeBase64Url(fresh.secret), activeFrom: 0 }] }, null, 2)}\n`
  await writeFile(temp, body, { mode: 0o600, flag: 'wx' })
  try {
    await link(temp, path)
  } catch (error) {
    if (!hasCode(error, 'EEXIST')) throw error
    const winner = await readKeys(path)
    if (winner === undefined) throw error
    return { keys: winner, path, created: false }
  } finally {
    await unlink(temp).catch(() => undefined)
  }
  return { keys: [fresh], path, created: true }
}
