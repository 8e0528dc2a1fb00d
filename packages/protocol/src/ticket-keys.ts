import { hkdfSync } from 'node:crypto'
import { z } from 'zod'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { TicketMacKey } from './ticket-mac.ts'

/**
 * The ticket key hierarchy (ADR 0016). One master secret per key id lives only on the
 * coordinators; from it HKDF-SHA256 (RFC 5869) derives
 * - a per-node key per node id: the node verifies the `node` tag of its tickets with it
 *   (so a ticket for node A never verifies on node B), and
 * - a coordinator key: the `coord` tag, which every replica can re-check on a usage line
 *   and no node ever holds (so a node cannot mint tickets that bill).
 * Pure: no clock, no disk.
 */

/** Length of a master secret and of every derived key, bytes. */
export const TICKET_KEY_BYTES = 32

/** A key id: short, URL-safe, carried in every ticket so keys can rotate. */
export const ticketKeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'not a ticket key id')

/** A 32-byte key as base64url text (43 characters). */
export const ticketKeyTextSchema = z
  .string()
  .length(43)
  .refine((text) => decodeBase64Url(text)?.length === TICKET_KEY_BYTES, 'not a base64url 32-byte key')

const SALT = Buffer.from('meson/ticket-keys/v1', 'utf8')

function derive(master: Uint8Array, info: string): Uint8Array {
  if (master.length < TICKET_KEY_BYTES) throw new RangeError('a ticket master secret has at least 32 bytes')
  return new Uint8Array(hkdfSync('sha256', master, SALT, Buffer.from(info, 'utf8'), TICKET_KEY_BYTES))
}

/** The key node `nodeId` verifies tickets of key id `kid` with. */
export function deriveNodeTicketKey(master: Uint8Array, kid: string, nodeId: string): Uint8Array {
  return derive(master, `node\u0000${kid}\u0000${nodeId}`)
}

/** The coordinators' own key of key id `kid` (never leaves a coordinator). */
export function deriveCoordinatorTicketKey(master: Uint8Array, kid: string): Uint8Array {
  return derive(master, `coordinator\u0000${kid}`)
}

/** A node key as delivered at registration: `{ kid, key }`, the key base64url. */
export const nodeTicketKeySchema = z.strictObject({ kid: ticketKeyIdSchema, key: ticketKeyTextSchema })
export type NodeTicketKeyWire = z.output<typeof nodeTicketKeySchema>

/**
 * What the coordinator delivers to a node (signed, purpose 'ticket-keys', in the
 * registration answer): the node's keys of every live generation. The node checks the
 * signature with the coordinator key and that `nodeId` is its own.
 */
export const nodeTicketKeysSchema = z.strictObject({
  nodeId: z.string().max(128),
  keys: z.array(nodeTicketKeySchema).min(1).max(16),
})
export type NodeTicketKeys = z.output<typeof nodeTicketKeysSchema>

/** Encodes a node key for delivery. */
export function nodeTicketKeyWire(kid: string, key: Uint8Array): NodeTicketKeyWire {
  return { kid, key: encodeBase64Url(key) }
}

/**
 * Keys by key id, as ticket MAC keys (`TicketMacKey`: the bytes never print). A ring
 * holds the active key and, during a rotation's overlap, the previous one; a lookup of
 * any other id finds nothing.
 */
export class TicketKeyRing {
  readonly #keys = new Map<string, TicketMacKey>()

  constructor(keys: Iterable<{ readonly kid: string; readonly key: Uint8Array }> = []) {
    for (const { kid, key } of keys) this.#keys.set(kid, new TicketMacKey(key))
  }

  /** The key of `kid`, if the ring holds it. */
  get(kid: string): TicketMacKey | undefined {
    return this.#keys.get(kid)
  }

  /** Key ids held, in insertion order. */
  get kids(): readonly string[] {
    return [...this.#keys.keys()]
  }
}
