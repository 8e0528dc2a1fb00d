import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { decodeBase64Url } from './base64url.ts'
import { nodeIdSchema } from './node-id.ts'
import { isClientCovered, ticketClientSchema } from './ticket-client.ts'
import { ticketKeyIdSchema } from './ticket-keys.ts'
import { ticketMac } from './ticket-mac.ts'
import type { TicketMacKey } from './ticket-mac.ts'
import { randomIdSchema, timestampMsSchema, uint64StringSchema, zoneIdSchema, zoneRefSchema } from './wire-scalars.ts'

/** Longest token accepted; a real one is about 350 characters. */
export const MAX_TICKET_TOKEN_LENGTH = 4096
/** Default tolerance for a node clock that runs behind the coordinator's. */
export const DEFAULT_TICKET_CLOCK_SKEW_MS = 30_000

/**
 * A URL path as it appears on the request line (percent-encoded, so printable ASCII
 * without spaces, RFC 3986 §3.3), starting with "/".
 */
export const ticketPathSchema = z.string().max(2048).regex(/^\/[\x21-\x7e]*$/, 'not an absolute URL path')

/**
 * The zone's origin a ticket names, so a node needs no zone table: an absolute http(s)
 * URL (base path allowed) without credentials, query or fragment. Credentials would
 * travel in every `?mt=` URL; a query or fragment has no meaning for a base URL.
 */
export const ticketOriginSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    if (!URL.canParse(text)) return false
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' && url.search === '' && url.hash === '' && !text.includes('#') && !text.includes('?')
  }, 'not an http(s) origin URL without credentials, query or fragment')

/**
 * A ticket: the coordinator's permission for one client to fetch `path` (or everything
 * under it, if `prefix`) of `zone` from node `nodeId` until `expiresAt`, up to
 * `byteBudget` bytes (the node meters the budget while serving). `nonce` makes each
 * ticket unique and is the id usage reports refer to. `origin`, when present, is where
 * the node fetches the object on a miss.
 */
export const ticketSchema = z
  .strictObject({
    /** 3: keyed-BLAKE3 tags (ADR 0016, seventh session); 2 had HMAC-SHA256 tags and is refused. */
    v: z.literal(3),
    /** Which key generation the tags are made with (ADR 0016): keys rotate with an overlap. */
    kid: ticketKeyIdSchema,
    zone: zoneRefSchema,
    path: ticketPathSchema,
    prefix: z.boolean(),
    nodeId: nodeIdSchema,
    client: ticketClientSchema,
    issuedAt: timestampMsSchema,
    expiresAt: timestampMsSchema,
    byteBudget: uint64StringSchema,
    nonce: randomIdSchema,
    /** The zone's origin the node fetches misses from; optional, so older tickets still verify. */
    origin: ticketOriginSchema.optional(),
    /**
     * The zone's immutable id: the node keys its cache by it (a zone name may be taken
     * again after a delete, an id never). Optional, so older tickets still verify.
     */
    zoneId: zoneIdSchema.optional(),
    /** An IPFS gateway zone's upstream trustless gateways (#13): present only for `type: "ipfs"` zones. */
    upstreams: z.array(ticketOriginSchema).min(1).max(4).optional(),
  })
  .refine((ticket) => ticket.expiresAt > ticket.issuedAt, { message: 'expiresAt must be after issuedAt', path: ['expiresAt'] })

/** A ticket as code sees it (byteBudget parsed). */
export type Ticket = z.output<typeof ticketSchema>
/** A ticket as it travels (byteBudget a decimal string). */
export type TicketWire = z.input<typeof ticketSchema>

/** Bytes of each tag (keyed BLAKE3 truncated to 128 bits; BLAKE3's output may be truncated at will). */
export const TICKET_TAG_BYTES = 16

/** The two keys a coordinator tags a ticket with (both for the ticket's `kid`). */
export interface TicketTagKeys {
  /** The ticket's node's key (derived from the master secret and the node id). */
  readonly nodeKey: TicketMacKey
  /** The coordinators' own key, which no node holds. */
  readonly coordinatorKey: TicketMacKey
}

function tag(key: TicketMacKey, bytes: Uint8Array): Buffer {
  return ticketMac(key, bytes, TICKET_TAG_BYTES)
}

/**
 * Encodes and tags a ticket as `base64url(canonical JSON) "." nodeTag "." coordTag`
 * (each tag base64url), URL-safe for `?mt=`. Both tags are keyed-BLAKE3 MACs over exactly the
 * encoded JSON bytes, so verifiers check what they decode, with no re-serialization.
 * No state is kept: everything a verifier needs is in the token and its keys.
 */
export function encodeTicket(keys: TicketTagKeys, ticket: Ticket): string {
  return tagJson(keys, ticketJson(ticket))
}

/**
 * `encodeTicket(keys, { v: 3, kid, ...claims })` without building the ticket object:
 * the issuer's hot path (ADR 0016, fourth session). Same bytes, tested.
 */
export function encodeTicketClaims(keys: TicketTagKeys, kid: string, claims: Omit<Ticket, 'v' | 'kid'>): string {
  return tagJson(keys, writeTicketJson(kid, claims))
}

function tagJson(keys: TicketTagKeys, text: string): string {
  const json = Buffer.from(text, 'utf8')
  return `${json.toString('base64url')}.${tag(keys.nodeKey, json).toString('base64url')}.${tag(keys.coordinatorKey, json).toString('base64url')}`
}

/**
 * `canonicalJson(ticket)` for the hot path: the ticket's fixed keys written in sorted
 * order with JSON.stringify (about 5× faster than the generic canonical writer; equal
 * output, tested). Verifiers never re-serialize, so this is a cost, not a format, choice.
 * A field added to `ticketSchema` must be added here too, or it is left out of the token.
 */
export function ticketJson(ticket: Ticket): string {
  return writeTicketJson(ticket.kid, ticket)
}

/** The JSON of a v3 ticket with key id `kid` and these claims (`v` is always 3). */
function writeTicketJson(kid: string, claims: Omit<Ticket, 'v' | 'kid'>): string {
  return JSON.stringify({
    byteBudget: claims.byteBudget.toString(),
    client: claims.client,
    expiresAt: claims.expiresAt,
    issuedAt: claims.issuedAt,
    kid,
    nodeId: claims.nodeId,
    nonce: claims.nonce,
    origin: claims.origin,
    path: claims.path,
    prefix: claims.prefix,
    upstreams: claims.upstreams,
    v: 3,
    zone: claims.zone,
    zoneId: claims.zoneId,
  })
}

/** Finds the key of a key id (a ring's `get`), or undefined for an unknown id. */
export type TicketKeyLookup = (kid: string) => TicketMacKey | undefined

/** What the request being served must match. */
export interface TicketRequest {
  /** Current time, ms since the epoch (passed in: pure code reads no clock). */
  readonly now: number
  readonly nodeId: string
  readonly zone: string
  /** Request path as on the request line, without the query. */
  readonly path: string
  readonly clientIp: string
  /** How far `issuedAt` may lie in the future; default {@link DEFAULT_TICKET_CLOCK_SKEW_MS}. */
  readonly clockSkewMs?: number
}

export type TicketRejection =
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-node'
  | 'wrong-zone'
  | 'wrong-path'
  | 'wrong-client'

export type VerifyTicketResult = { readonly ok: true; readonly ticket: Ticket } | { readonly ok: false; readonly reason: TicketRejection }

/**
 * The node's check: the `node` tag against the node's own key for the ticket's `kid`,
 * then the request. Never throws. Order: shape, key, tag, time, then node, zone, path
 * and client, so an untagged token never learns which of its claims would have matched.
 */
export function verifyTicket(token: string, nodeKeyFor: TicketKeyLookup, request: TicketRequest): VerifyTicketResult {
  const decoded = decodeTicket(token)
  if (decoded === undefined) return { ok: false, reason: 'malformed' }
  const key = nodeKeyFor(decoded.ticket.kid)
  if (key === undefined) return { ok: false, reason: 'unknown-key' }
  if (!tagMatches(key, decoded.json, decoded.nodeTag)) return { ok: false, reason: 'bad-signature' }
  const { ticket } = decoded
  const skewMs = request.clockSkewMs ?? DEFAULT_TICKET_CLOCK_SKEW_MS
  if (request.now >= ticket.expiresAt) return { ok: false, reason: 'expired' }
  if (request.now + skewMs < ticket.issuedAt) return { ok: false, reason: 'not-yet-valid' }
  if (ticket.nodeId !== request.nodeId) return { ok: false, reason: 'wrong-node' }
  if (ticket.zone !== request.zone) return { ok: false, reason: 'wrong-zone' }
  if (!isPathCovered(ticket, request.path)) return { ok: false, reason: 'wrong-path' }
  if (!isClientCovered(ticket.client, request.clientIp)) return { ok: false, reason: 'wrong-client' }
  return { ok: true, ticket }
}

export type OpenBillableTicketResult =
  | { readonly ok: true; readonly ticket: Ticket }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown-key' | 'bad-signature' }

/**
 * The coordinator's check of a ticket a usage line carries: the `coord` tag against the
 * coordinators' key for the ticket's `kid`. A node knows its own node key and can make
 * a `node` tag for any ticket it invents, but never a `coord` tag, so a minted ticket
 * fails here. Stateless: any replica holding the master secret can run it.
 */
export function openBillableTicket(token: string, coordinatorKeyFor: TicketKeyLookup): OpenBillableTicketResult {
  const decoded = decodeTicket(token)
  if (decoded === undefined) return { ok: false, reason: 'malformed' }
  const key = coordinatorKeyFor(decoded.ticket.kid)
  if (key === undefined) return { ok: false, reason: 'unknown-key' }
  if (!tagMatches(key, decoded.json, decoded.coordTag)) return { ok: false, reason: 'bad-signature' }
  return { ok: true, ticket: decoded.ticket }
}

function tagMatches(key: TicketMacKey, json: Uint8Array, claimed: Uint8Array): boolean {
  return claimed.length === TICKET_TAG_BYTES && timingSafeEqual(tag(key, json), claimed)
}

function decodeTicket(token: string): { json: Uint8Array; nodeTag: Uint8Array; coordTag: Uint8Array; ticket: Ticket } | undefined {
  if (typeof token !== 'string' || token.length > MAX_TICKET_TOKEN_LENGTH) return undefined
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [payloadPart = '', nodeTagPart = '', coordTagPart = ''] = parts
  const json = decodeBase64Url(payloadPart)
  const nodeTag = decodeBase64Url(nodeTagPart)
  const coordTag = decodeBase64Url(coordTagPart)
  if (json === undefined || nodeTag === undefined || coordTag === undefined) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json))
  } catch {
    return undefined
  }
  const parsed = ticketSchema.safeParse(raw)
  return parsed.success ? { json, nodeTag, coordTag, ticket: parsed.data } : undefined
}

/**
 * True if the ticket allows `path`. A prefix covers whole segments only ("/img" covers
 * "/img" and "/img/a.png", not "/imgs"), and a path with dot segments, raw or
 * percent-encoded (RFC 3986 §5.2.4), or a backslash is never covered: servers that
 * normalize it later could otherwise be led outside the prefix.
 */
export function isPathCovered(ticket: Pick<Ticket, 'path' | 'prefix'>, path: string): boolean {
  if (!path.startsWith('/') || path.includes('\\') || hasDotSegment(path)) return false
  if (!ticket.prefix) return path === ticket.path
  if (ticket.path.endsWith('/')) return path.startsWith(ticket.path)
  return path === ticket.path || path.startsWith(`${ticket.path}/`)
}

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => {
    const decoded = segment.toLowerCase().replaceAll('%2e', '.')
    return decoded === '.' || decoded === '..'
  })
}
