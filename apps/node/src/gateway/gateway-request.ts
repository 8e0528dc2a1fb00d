import { fail, ok } from '@meson/protocol'
import type { Result } from '@meson/protocol'
import { CID } from 'multiformats/cid'
import type { GatewayErrorCode } from './gateway-error.ts'

/** What the response carries: one block, a CAR of blocks, or the deserialized UnixFS/IPLD value. */
export type ResponseFormat = 'raw' | 'car' | 'deserialized'

/**
 * An IPLD codec representation asked for by `?format=` or `Accept` (path gateway spec):
 * `dag-json`/`dag-cbor` (`application/vnd.ipld.dag-*`) or plain `json`/`cbor`.
 */
export type IpldFormat = 'dag-json' | 'dag-cbor' | 'json' | 'cbor'

const IPLD_FORMATS: ReadonlyMap<string, IpldFormat> = new Map([
  ['application/vnd.ipld.dag-json', 'dag-json'],
  ['application/vnd.ipld.dag-cbor', 'dag-cbor'],
  ['application/json', 'json'],
  ['application/cbor', 'cbor'],
])

/** `dag-scope` of a CAR request (IPIP-402): the block, the entity (whole file/dir), or the whole DAG. */
export type DagScope = 'block' | 'entity' | 'all'

/** `entity-bytes=from:to` (IPIP-402): `to` is inclusive, negative offsets count from the end. */
export interface EntityBytes {
  readonly from: number
  /** Inclusive end, or '*' for "to the end". */
  readonly to: number | '*'
}

/** The CAR options of a request (trustless gateway spec §"CAR Responses"). */
export interface CarOptions {
  readonly scope: DagScope
  readonly entityBytes: EntityBytes | undefined
  /** `dups=y`: repeat blocks every time the walk meets them (else each block once). */
  readonly duplicates: boolean
}

/** A parsed `/ipfs/<cid>[/<path>]` request. */
export interface GatewayRequest {
  readonly cid: CID
  /** Path segments after the CID, percent-decoded, never empty, '.' or '..'. */
  readonly segments: readonly string[]
  readonly format: ResponseFormat
  readonly car: CarOptions
  /** `?filename=` (for Content-Disposition), if given. */
  readonly filename: string | undefined
  /** `?download=true`: Content-Disposition attachment for deserialized responses. */
  readonly download: boolean
  /** The IPLD representation asked for (deserialized answers only), if any. */
  readonly ipldFormat: IpldFormat | undefined
  /** `Accept` names `text/html`: a dag-json/dag-cbor block is answered with an HTML view. */
  readonly acceptsHtml: boolean
}

export interface GatewayRequestRejection {
  readonly code: Extract<GatewayErrorCode, 'BAD_CID' | 'BAD_PATH' | 'BAD_GATEWAY_REQUEST' | 'NOT_ACCEPTABLE' | 'IPNS_UNSUPPORTED'>
  readonly message: string
}

/** Path prefix of the gateway. */
export const IPFS_PATH_PREFIX = '/ipfs/'
/** Path prefix of mutable names, which this gateway does not resolve (ADR 0014). */
export const IPNS_PATH_PREFIX = '/ipns/'

const RAW_TYPE = 'application/vnd.ipld.raw'
const CAR_TYPE = 'application/vnd.ipld.car'
const MAX_SEGMENTS = 64

/**
 * Parses a gateway request from its request-target (`/ipfs/<cid>/<path>?<query>`) and
 * `Accept` field. `?format=` wins over `Accept` (path gateway spec: "format" query
 * parameter); an Accept that asks only for `application/vnd.ipld.*` types this gateway
 * does not produce is 406, anything else (browsers: text/html, * / *) is deserialized.
 */
export function parseGatewayRequest(target: string, accept: string | undefined): Result<GatewayRequest, GatewayRequestRejection> {
  if (target.startsWith(IPNS_PATH_PREFIX) || target === '/ipns') return reject('IPNS_UNSUPPORTED', 'This gateway serves immutable /ipfs/<cid> paths only: IPNS names and DNSLink are not resolved here.')
  if (!target.startsWith(IPFS_PATH_PREFIX)) return reject('BAD_PATH', 'Gateway paths are /ipfs/<cid>[/<path>].')
  const queryAt = target.indexOf('?')
  const path = queryAt === -1 ? target : target.slice(0, queryAt)
  const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1))
  const parts = path.slice(IPFS_PATH_PREFIX.length).split('/')
  const cidText = parts[0] ?? ''
  const cid = parseCid(cidText)
  if (cid === undefined) return reject('BAD_CID', `"${cidText.slice(0, 100)}" is not a valid CID.`)
  const segments: string[] = []
  for (const part of parts.slice(1)) {
    if (part === '') continue
    let segment: string
    try {
      segment = decodeURIComponent(part)
    } catch {
      return reject('BAD_PATH', 'The path is not valid percent-encoding.')
    }
    if (segment === '.' || segment === '..' || segment.includes('/') || segment.includes('\0')) return reject('BAD_PATH', 'Path segments may not be ".", ".." or contain "/" or NUL.')
    segments.push(segment)
  }
  if (segments.length > MAX_SEGMENTS) return reject('BAD_PATH', `At most ${MAX_SEGMENTS} path segments.`)
  const negotiated = negotiateFormat(query.get('format'), accept)
  if (!negotiated.ok) return negotiated
  const car = parseCarOptions(query, negotiated.value.carParameters)
  if (!car.ok) return car
  return ok({
    cid,
    segments,
    format: negotiated.value.format,
    car: car.value,
    filename: query.get('filename') ?? undefined,
    download: query.get('download') === 'true',
    ipldFormat: negotiated.value.ipldFormat,
    acceptsHtml: negotiated.value.acceptsHtml,
  })
}

/**
 * True when a request's `Cache-Control` has `only-if-cached` (RFC 9111 §5.2.1.7; path and
 * trustless gateway specs: answer 412 unless the root block is held here).
 */
export function isOnlyIfCached(cacheControl: string | undefined): boolean {
  return (cacheControl ?? '').split(',').some((directive) => directive.trim().toLowerCase() === 'only-if-cached')
}

/** Parses a CID in any multibase (CIDv0 is bare base58btc); undefined when it is not one. */
export function parseCid(text: string): CID | undefined {
  if (text.length === 0 || text.length > 512) return undefined
  try {
    // CID.parse reads base32, base58btc (CIDv0) and base36 (k..., as in subdomain labels).
    return CID.parse(text)
  } catch {
    return undefined
  }
}

interface Negotiated {
  readonly format: ResponseFormat
  readonly carParameters: ReadonlyMap<string, string>
  readonly ipldFormat: IpldFormat | undefined
  readonly acceptsHtml: boolean
}

/**
 * `?format=` first, then the first `Accept` member naming a type this gateway treats
 * specially (raw, a CAR variant it writes, dag-json/dag-cbor/json/cbor), in the order
 * given — as the reference gateways do; generic types (`text/html`, `* / *`) mean the
 * deserialized answer. Only an Accept of nothing but unproducible IPLD types is 406.
 */
function negotiateFormat(format: string | null, accept: string | undefined): Result<Negotiated, GatewayRequestRejection> {
  const none = new Map<string, string>()
  const deserialized = (ipldFormat: IpldFormat | undefined, acceptsHtml: boolean): Negotiated => ({ format: 'deserialized', carParameters: none, ipldFormat, acceptsHtml })
  // An empty ?format= names nothing: Accept decides, as without it.
  if (format !== null && format !== '') {
    if (format === 'raw') return ok({ format: 'raw', carParameters: none, ipldFormat: undefined, acceptsHtml: false })
    // The Accept's CAR parameters (dups, order) still apply when ?format=car names the type.
    if (format === 'car') return ok({ format: 'car', carParameters: acceptedCarParameters(accept) ?? none, ipldFormat: undefined, acceptsHtml: false })
    const ipldFormat = IPLD_FORMATS.get(format === 'json' || format === 'cbor' ? `application/${format}` : `application/vnd.ipld.${format}`)
    if (ipldFormat !== undefined) return ok(deserialized(ipldFormat, false))
    return reject('BAD_GATEWAY_REQUEST', `format=${format.slice(0, 40)} is not served here (raw, car, dag-json, dag-cbor, json, cbor, or none for deserialized).`)
  }
  if (accept === undefined || accept.trim() === '') return ok(deserialized(undefined, false))
  let askedForIpld = false
  let acceptsOther = false
  let acceptsHtml = false
  for (const item of accept.split(',')) {
    const [typeText = '', ...parameterTexts] = item.split(';')
    const type = typeText.trim().toLowerCase()
    const parameters = parseMediaTypeParameters(parameterTexts)
    if (parameters.get('q') === '0' || type === '') continue
    if (type === RAW_TYPE) return ok({ format: 'raw', carParameters: none, ipldFormat: undefined, acceptsHtml: false })
    if (type === CAR_TYPE) {
      askedForIpld = true
      if (isCarVariantServed(parameters)) return ok({ format: 'car', carParameters: parameters, ipldFormat: undefined, acceptsHtml: false })
      continue
    }
    const ipldFormat = IPLD_FORMATS.get(type)
    if (ipldFormat !== undefined) return ok(deserialized(ipldFormat, false))
    // Gateway formats not produced here (other IPLD types, tar, IPNS records): never answered with something else.
    if (type.startsWith('application/vnd.ipld.') || type === 'application/x-tar' || type.startsWith('application/vnd.ipfs.')) askedForIpld = true
    else if (type === 'text/html') acceptsHtml = true
    else acceptsOther = true
  }
  if (askedForIpld && !acceptsHtml && !acceptsOther) return reject('NOT_ACCEPTABLE', `This gateway answers ${RAW_TYPE}, ${CAR_TYPE} (version=1, order=dfs|unk, dups=y|n), application/vnd.ipld.dag-json, application/vnd.ipld.dag-cbor, application/json, application/cbor and deserialized content; not tar or IPNS records.`)
  return ok(deserialized(undefined, acceptsHtml))
}

/** The parameters of the first CAR variant in `accept` this gateway can produce, if any. */
function acceptedCarParameters(accept: string | undefined): ReadonlyMap<string, string> | undefined {
  for (const item of (accept ?? '').split(',')) {
    const [typeText = '', ...parameterTexts] = item.split(';')
    if (typeText.trim().toLowerCase() !== CAR_TYPE) continue
    const parameters = parseMediaTypeParameters(parameterTexts)
    if (parameters.get('q') !== '0' && isCarVariantServed(parameters)) return parameters
  }
  return undefined
}

function parseMediaTypeParameters(parameterTexts: readonly string[]): Map<string, string> {
  const parameters = new Map<string, string>()
  for (const text of parameterTexts) {
    const at = text.indexOf('=')
    if (at === -1) continue
    parameters.set(text.slice(0, at).trim().toLowerCase(), text.slice(at + 1).trim().replace(/^"|"$/g, '').toLowerCase())
  }
  return parameters
}

/** CARv1 only; we write DFS order, which also satisfies order=unk. */
function isCarVariantServed(parameters: ReadonlyMap<string, string>): boolean {
  const version = parameters.get('version')
  const order = parameters.get('order')
  const dups = parameters.get('dups')
  return (version === undefined || version === '1') && (order === undefined || order === 'dfs' || order === 'unk') && (dups === undefined || dups === 'y' || dups === 'n')
}

function parseCarOptions(query: URLSearchParams, parameters: ReadonlyMap<string, string>): Result<CarOptions, GatewayRequestRejection> {
  // entity-bytes "implies dag-scope=entity" (trustless gateway spec); an explicit dag-scope is kept.
  const scopeText = query.get('dag-scope') ?? (query.has('entity-bytes') ? 'entity' : 'all')
  if (scopeText !== 'block' && scopeText !== 'entity' && scopeText !== 'all') return reject('BAD_GATEWAY_REQUEST', 'dag-scope is block, entity or all.')
  const bytesText = query.get('entity-bytes')
  let entityBytes: EntityBytes | undefined
  if (bytesText !== null) {
    const parsed = parseEntityBytes(bytesText)
    if (parsed === undefined) return reject('BAD_GATEWAY_REQUEST', 'entity-bytes is from:to with integers (to may be *), from <= to when both have the same sign.')
    entityBytes = parsed
  }
  // car-version, car-order, car-dups (trustless gateway spec): the query wins over Accept.
  const version = query.get('car-version')
  if (version !== null && version !== '1') return reject('BAD_GATEWAY_REQUEST', 'car-version is 1 (CARv1 is the only version served here).')
  const order = query.get('car-order')
  if (order !== null && order !== 'dfs' && order !== 'unk') return reject('BAD_GATEWAY_REQUEST', 'car-order is dfs or unk.')
  const dupsText = query.get('car-dups') ?? parameters.get('dups') ?? 'n'
  if (dupsText !== 'y' && dupsText !== 'n') return reject('BAD_GATEWAY_REQUEST', 'car-dups is y or n.')
  return ok({ scope: scopeText, entityBytes, duplicates: dupsText === 'y' })
}

const INTEGER = /^-?\d{1,16}$/

/** Parses `from:to` (IPIP-402); undefined when malformed or empty by construction. */
export function parseEntityBytes(text: string): EntityBytes | undefined {
  const [fromText = '', toText = '', ...rest] = text.split(':')
  if (rest.length > 0 || !INTEGER.test(fromText)) return undefined
  const from = Number(fromText)
  if (toText === '*') return { from, to: '*' }
  if (!INTEGER.test(toText)) return undefined
  const to = Number(toText)
  if (Math.sign(from) === Math.sign(to) && from > to) return undefined
  return { from, to }
}

function reject(code: GatewayRequestRejection['code'], message: string): { readonly ok: false; readonly reason: GatewayRequestRejection } {
  return fail({ code, message })
}
