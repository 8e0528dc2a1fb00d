import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import type { VerifyKey } from './keys.ts'
import { nodeIdSchema } from './node-id.ts'
import { openEnvelope, signEnvelope } from './signed-envelope.ts'
import type { EnvelopeRejection, SignedEnvelope } from './signed-envelope.ts'
import { randomIdSchema, timestampMsSchema, zoneIdSchema, zoneRefSchema } from './wire-scalars.ts'

/** Default tolerance for a node clock that runs behind the coordinator's. */
export const DEFAULT_COMMAND_CLOCK_SKEW_MS = 30_000

const MAX_PURGE_ITEMS = 1000
const purgeItems = z.array(z.string().min(1).max(2048)).max(MAX_PURGE_ITEMS)

/**
 * What to purge: URLs, path prefixes and surrogate keys (`Surrogate-Key` / `Cache-Tag`
 * tokens), optionally within one zone. At least one list must be non-empty.
 */
export const purgeArgsSchema = z
  .strictObject({
    zone: zoneRefSchema.optional(),
    /** The zone's immutable id: the node's cache namespace of the zone (see ticket `zoneId`). */
    zoneId: zoneIdSchema.optional(),
    urls: purgeItems.optional(),
    prefixes: purgeItems.optional(),
    surrogateKeys: z.array(z.string().regex(/^[\x21-\x7e]{1,256}$/)).max(MAX_PURGE_ITEMS).optional(),
  })
  .refine((args) => [args.urls, args.prefixes, args.surrogateKeys].some((list) => list !== undefined && list.length > 0), 'nothing to purge')

/** Drain: stop taking new work, finish in-flight transfers. */
export const drainArgsSchema = z.strictObject({ reason: z.string().max(200).optional() })

/** Config: settings pushed to the node; the node validates them against its own schema. */
export const configArgsSchema = z.record(z.string().max(100), z.json())

const commandFields = {
  id: randomIdSchema,
  issuedAt: timestampMsSchema,
  expiresAt: timestampMsSchema,
  /** The node the command is for, or '*' for every node. */
  nodeId: z.union([nodeIdSchema, z.literal('*')]),
}

/** A command from the coordinator to nodes, signed with purpose 'command'. */
export const commandSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ ...commandFields, type: z.literal('purge'), args: purgeArgsSchema }),
    z.strictObject({ ...commandFields, type: z.literal('drain'), args: drainArgsSchema }),
    z.strictObject({ ...commandFields, type: z.literal('config'), args: configArgsSchema }),
  ])
  .refine((command) => command.expiresAt > command.issuedAt, { message: 'expiresAt must be after issuedAt', path: ['expiresAt'] })

export type Command = z.output<typeof commandSchema>
export type CommandType = Command['type']
export type PurgeArgs = z.output<typeof purgeArgsSchema>

/** Signs a command as an envelope `{ payload, signature }` (purpose 'command'). */
export function signCommand(privateKey: KeyObject, command: Command): SignedEnvelope {
  return signEnvelope('command', privateKey, command)
}

export type CommandRejection = EnvelopeRejection | 'expired' | 'not-yet-valid' | 'wrong-node'

export type VerifyCommandResult = { readonly ok: true; readonly command: Command } | { readonly ok: false; readonly reason: CommandRejection }

/**
 * Opens a signed command and checks it is for `nodeId` (or '*') and alive at `now`.
 * Replays of a still-valid command are for the receiver to catch, with a ReplayGuard.
 * Never throws.
 */
export function verifyCommand(
  coordinatorPublicKey: VerifyKey,
  raw: unknown,
  context: { readonly now: number; readonly nodeId: string; readonly clockSkewMs?: number },
): VerifyCommandResult {
  const opened = openEnvelope('command', commandSchema, coordinatorPublicKey, raw)
  if (!opened.ok) return opened
  const command = opened.value
  const skewMs = context.clockSkewMs ?? DEFAULT_COMMAND_CLOCK_SKEW_MS
  if (context.now >= command.expiresAt) return { ok: false, reason: 'expired' }
  if (context.now + skewMs < command.issuedAt) return { ok: false, reason: 'not-yet-valid' }
  if (command.nodeId !== '*' && command.nodeId !== context.nodeId) return { ok: false, reason: 'wrong-node' }
  return { ok: true, command }
}
