import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { decodeBase64Url } from '../base64url.ts'
import { parseTunnelRefusal } from './tunnel-protocol.ts'
import type { TunnelRefusal } from './tunnel-protocol.ts'

/**
 * The proxy tunnel's data connections (ADR 0011, "Data connections"). Every TCP
 * connection a node opens to the gateway's tunnel port starts with a 4-byte magic: the
 * control connection (HTTP/2, the hello, the grant, fallback streams) with
 * {@link TUNNEL_CONTROL_MAGIC}, a data connection with {@link TUNNEL_DATA_MAGIC}. Once the
 * control connection is authenticated, the gateway grants the node a session id and a
 * 32-byte key over it; the node then keeps a few data connections open, each opened by
 * a hello `magic | session id (16) | counter (u64 BE) | HMAC-SHA256(key, label | session | counter)`.
 * A counter is good once per session (the gateway keeps a window), so a recorded hello
 * cannot be replayed. The gateway uses an idle data connection for one proxied stream:
 * it sends the target (`0x01 | u16 BE length | host:port`), the exit answers
 * (`status | u8 length | text`: 0x00 + the address it dialed, or 0x01 + a refusal), and
 * then both sides relay raw bytes: TCP is the per-stream flow control.
 */

export const TUNNEL_MAGIC_BYTES = 4
export const TUNNEL_CONTROL_MAGIC = Buffer.from('MSC1', 'latin1')
export const TUNNEL_DATA_MAGIC = Buffer.from('MSD1', 'latin1')

/** Path of the gateway's grant stream on the control connection (after the hello). */
export const TUNNEL_DATA_GRANT_PATH = '/meson/v1/proxy/data-grant'
export const TUNNEL_DATA_SESSION_HEADER = 'meson-data-session'
export const TUNNEL_DATA_KEY_HEADER = 'meson-data-key'
/** Idle data connections the node keeps ready. */
export const TUNNEL_DATA_IDLE_HEADER = 'meson-data-idle'
/** Data connections (idle and busy) the node may have at once; beyond, streams use HTTP/2. */
export const TUNNEL_DATA_MAX_HEADER = 'meson-data-max'

const SESSION_ID_BYTES = 16
const KEY_BYTES = 32
const MAC_BYTES = 32
const MAC_LABEL = 'meson-proxy-data\u0000'
/** Magic, session id, counter, MAC. */
export const DATA_HELLO_BYTES = TUNNEL_MAGIC_BYTES + SESSION_ID_BYTES + 8 + MAC_BYTES
/** `[v6]:port` of a 253-byte name fits well below this. */
const MAX_AUTHORITY_BYTES = 300
const REQUEST_CONNECT = 0x01
const REPLY_OK = 0x00
const REPLY_REFUSED = 0x01

/** What the gateway grants a node over the control connection. */
export interface DataGrant {
  readonly sessionId: Uint8Array
  readonly key: Uint8Array
  readonly idle: number
  readonly max: number
}

const bytesOf = (length: number) => z.string().transform((text, ctx) => {
  const bytes = decodeBase64Url(text)
  if (bytes?.length !== length) {
    ctx.addIssue({ code: 'custom', message: `expected ${length} bytes of base64url` })
    return z.NEVER
  }
  return bytes
})
const countOf = (max: number) => z.string().regex(/^[0-9]{1,5}$/).transform(Number).pipe(z.number().int().min(0).max(max))

const dataGrantHeadersSchema = z.object({
  [TUNNEL_DATA_SESSION_HEADER]: bytesOf(SESSION_ID_BYTES),
  [TUNNEL_DATA_KEY_HEADER]: bytesOf(KEY_BYTES),
  [TUNNEL_DATA_IDLE_HEADER]: countOf(64),
  [TUNNEL_DATA_MAX_HEADER]: countOf(4096),
})

/** The grant's headers, as the gateway sends them. */
export function dataGrantHeaders(grant: DataGrant): Record<string, string> {
  return {
    [TUNNEL_DATA_SESSION_HEADER]: Buffer.from(grant.sessionId).toString('base64url'),
    [TUNNEL_DATA_KEY_HEADER]: Buffer.from(grant.key).toString('base64url'),
    [TUNNEL_DATA_IDLE_HEADER]: String(grant.idle),
    [TUNNEL_DATA_MAX_HEADER]: String(grant.max),
  }
}

/** The node's side: reads a grant from the stream's headers; undefined if malformed. */
export function parseDataGrant(headers: Readonly<Record<string, unknown>>): DataGrant | undefined {
  const parsed = dataGrantHeadersSchema.safeParse(headers)
  if (!parsed.success) return undefined
  const data = parsed.data
  return { sessionId: data[TUNNEL_DATA_SESSION_HEADER], key: data[TUNNEL_DATA_KEY_HEADER], idle: Math.min(data[TUNNEL_DATA_IDLE_HEADER], data[TUNNEL_DATA_MAX_HEADER]), max: data[TUNNEL_DATA_MAX_HEADER] }
}

export const DATA_SESSION_ID_BYTES = SESSION_ID_BYTES
export const DATA_KEY_BYTES = KEY_BYTES

function macOf(key: Uint8Array, sessionId: Uint8Array, counter: Buffer): Buffer {
  return createHmac('sha256', key).update(MAC_LABEL).update(sessionId).update(counter).digest()
}

function counterBytes(counter: number): Buffer {
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64BE(BigInt(counter))
  return bytes
}

/** The node's side: the hello of its `counter`-th data connection of this grant. */
export function buildDataHello(grant: Pick<DataGrant, 'sessionId' | 'key'>, counter: number): Buffer {
  const count = counterBytes(counter)
  return Buffer.concat([TUNNEL_DATA_MAGIC, grant.sessionId, count, macOf(grant.key, grant.sessionId, count)])
}

/** A data hello as read, not yet authenticated (the gateway looks up the session's key). */
export interface DataHello {
  /** base64url of the 16-byte session id. */
  readonly sessionId: string
  readonly counter: number
  readonly mac: Buffer
}

/** Reads a whole hello (magic included); undefined if it is not one. */
export function parseDataHello(bytes: Buffer): DataHello | undefined {
  if (bytes.length !== DATA_HELLO_BYTES || !bytes.subarray(0, TUNNEL_MAGIC_BYTES).equals(TUNNEL_DATA_MAGIC)) return undefined
  const counter = bytes.readBigUInt64BE(TUNNEL_MAGIC_BYTES + SESSION_ID_BYTES)
  if (counter > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  return {
    sessionId: bytes.subarray(TUNNEL_MAGIC_BYTES, TUNNEL_MAGIC_BYTES + SESSION_ID_BYTES).toString('base64url'),
    counter: Number(counter),
    mac: bytes.subarray(DATA_HELLO_BYTES - MAC_BYTES),
  }
}

/** The gateway's side: the hello's MAC is the session key's, over its session id and counter. */
export function isDataHelloAuthentic(hello: DataHello, key: Uint8Array): boolean {
  const sessionId = Buffer.from(hello.sessionId, 'base64url')
  return timingSafeEqual(macOf(key, sessionId, counterBytes(hello.counter)), hello.mac)
}

export type DataFrameParse<T> = { readonly status: 'incomplete' } | { readonly status: 'invalid' } | { readonly status: 'ok'; readonly value: T; readonly consumed: number }

/** The gateway's request on an idle data connection: connect to `authority` (`host:port`). */
export function buildDataRequest(authority: string): Buffer {
  const text = Buffer.from(authority, 'utf8')
  const head = Buffer.alloc(3)
  head[0] = REQUEST_CONNECT
  head.writeUInt16BE(text.length, 1)
  return Buffer.concat([head, text])
}

/** The exit's side: reads the request; the authority is parsed by the exit policy afterwards. */
export function parseDataRequest(bytes: Buffer): DataFrameParse<string> {
  if (bytes.length < 3) return bytes.length > 0 && bytes[0] !== REQUEST_CONNECT ? { status: 'invalid' } : { status: 'incomplete' }
  const length = bytes.readUInt16BE(1)
  if (bytes[0] !== REQUEST_CONNECT || length === 0 || length > MAX_AUTHORITY_BYTES) return { status: 'invalid' }
  if (bytes.length < 3 + length) return { status: 'incomplete' }
  return { status: 'ok', value: bytes.subarray(3, 3 + length).toString('utf8'), consumed: 3 + length }
}

export type DataReply = { readonly ok: true; readonly exitAddress: string } | { readonly ok: false; readonly reason: TunnelRefusal }

/** The exit's answer: the address it dialed, or why it refused. */
export function buildDataReply(reply: DataReply): Buffer {
  const text = Buffer.from(reply.ok ? reply.exitAddress : reply.reason, 'utf8').subarray(0, 255)
  return Buffer.concat([Uint8Array.of(reply.ok ? REPLY_OK : REPLY_REFUSED, text.length), text])
}

/** The gateway's side: reads the exit's answer; an unknown refusal reads as 'connect-failed'. */
export function parseDataReply(bytes: Buffer): DataFrameParse<DataReply> {
  if (bytes.length === 0) return { status: 'incomplete' }
  const status = bytes[0]
  if (status !== REPLY_OK && status !== REPLY_REFUSED) return { status: 'invalid' }
  if (bytes.length < 2) return { status: 'incomplete' }
  const length = bytes[1] ?? 0
  if (bytes.length < 2 + length) return { status: 'incomplete' }
  const text = bytes.subarray(2, 2 + length).toString('utf8')
  return { status: 'ok', value: status === REPLY_OK ? { ok: true, exitAddress: text } : { ok: false, reason: parseTunnelRefusal(text) }, consumed: 2 + length }
}

/**
 * The gateway's side: the start of a connection to the tunnel port — the control magic
 * (HTTP/2 follows) or a whole data hello.
 */
export function parseTunnelOpening(bytes: Buffer): DataFrameParse<'control' | DataHello> {
  if (bytes.length < TUNNEL_MAGIC_BYTES) return { status: 'incomplete' }
  const magic = bytes.subarray(0, TUNNEL_MAGIC_BYTES)
  if (magic.equals(TUNNEL_CONTROL_MAGIC)) return { status: 'ok', value: 'control', consumed: TUNNEL_MAGIC_BYTES }
  if (!magic.equals(TUNNEL_DATA_MAGIC)) return { status: 'invalid' }
  if (bytes.length < DATA_HELLO_BYTES) return { status: 'incomplete' }
  const hello = parseDataHello(bytes.subarray(0, DATA_HELLO_BYTES))
  return hello === undefined ? { status: 'invalid' } : { status: 'ok', value: hello, consumed: DATA_HELLO_BYTES }
}
