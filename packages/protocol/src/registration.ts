import { z } from 'zod'
import { nodeIdFromPublicKey, nodeIdSchema } from './node-id.ts'
import { publicKeyFromString } from './keys.ts'
import { counterSchema, publicKeyStringSchema, timestampMsSchema, uint64StringSchema } from './wire-scalars.ts'

/** The products a node can serve (DESIGN.md §1). */
export const NODE_CAPABILITIES = ['cdn', 'gateway', 'proxy'] as const
export type NodeCapability = (typeof NODE_CAPABILITIES)[number]

/** Semantic Versioning 2.0.0 (semver.org §2, §9, §10): MAJOR.MINOR.PATCH[-pre][+build]. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/

/** A semver string such as "1.4.0" or "2.0.0-rc.1". */
export const semverSchema = z.string().max(64).regex(SEMVER, 'not a semantic version like "1.4.0"')

/**
 * An absolute http(s) URL with a host, without credentials or fragment: the node's
 * public base URL, which the coordinator calls back and puts in redirects.
 */
export const publicUrlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    if (!URL.canParse(text)) return false
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' && url.hash === ''
  }, 'not an absolute http(s) URL without credentials')

/**
 * A node's registration, signed by the node (purpose 'registration'). `nodeId` must be
 * the one derived from `publicKey`, so the signature proves ownership of the id.
 */
export const registrationSchema = z
  .strictObject({
    nodeId: nodeIdSchema,
    publicKey: publicKeyStringSchema,
    publicUrl: publicUrlSchema,
    version: semverSchema,
    diskQuotaBytes: uint64StringSchema,
    declaredUplinkMbps: counterSchema.min(1).max(1_000_000),
    timestamp: timestampMsSchema,
    capabilities: z
      .array(z.enum(NODE_CAPABILITIES))
      .min(1)
      .max(NODE_CAPABILITIES.length)
      .refine((list) => new Set(list).size === list.length, 'capabilities must not repeat'),
  })
  .superRefine((registration, ctx) => {
    const key = publicKeyFromString(registration.publicKey)
    if (key.ok && nodeIdFromPublicKey(key.value) !== registration.nodeId) {
      ctx.addIssue({ code: 'custom', path: ['nodeId'], message: 'nodeId is not derived from publicKey' })
    }
  })

/** A registration as code sees it (bigints parsed). */
export type Registration = z.output<typeof registrationSchema>
/** A registration as it travels (bigints as decimal strings). */
export type RegistrationWire = z.input<typeof registrationSchema>
