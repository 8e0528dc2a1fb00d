import type { CID } from 'multiformats/cid'
import { planDagAnswer } from './dag-answer.ts'
import type { DagAnswerPlan } from './dag-answer.ts'
import type { CarOptions, GatewayRequest, IpldFormat } from './gateway-request.ts'

/** `Cache-Control` of immutable `/ipfs/` answers (path gateway spec: one year-ish, immutable). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=29030400, immutable'

/** What the response headers depend on beyond the request. */
export interface ResponseIdentity {
  /** `X-Ipfs-Path`: the content path as requested (request-target without the query). */
  readonly contentPath: string
  /** `X-Ipfs-Roots`: CIDs along the path, root first. */
  readonly roots: readonly CID[]
}

/**
 * Headers common to every successful `/ipfs/` answer: the spec's immutable caching,
 * `X-Ipfs-Path`, `X-Ipfs-Roots`, and `Vary: Accept` because one URL has several
 * representations.
 */
function commonHeaders(identity: ResponseIdentity): string[] {
  return ['cache-control', IMMUTABLE_CACHE_CONTROL, ...identityHeaders(identity)]
}

/**
 * CORS for every gateway answer (conformance `TestCors`, as public gateways do): `/ipfs/`
 * content is public and immutable, so any origin's JS may read it, its ranges and the
 * gateway's headers. No credentials are involved, so `*` is safe.
 */
export const CORS_HEADERS: readonly string[] = [
  'access-control-allow-origin', '*',
  'access-control-allow-methods', 'GET, HEAD, OPTIONS',
  'access-control-allow-headers', 'Content-Type, Range, User-Agent, X-Requested-With',
  'access-control-expose-headers', 'Content-Range, Content-Length, X-Ipfs-Path, X-Ipfs-Roots, X-Chunked-Output, X-Stream-Output, Ipfs-Uri',
]

/** `X-Ipfs-Path`, `X-Ipfs-Roots`, `Vary: Accept` and CORS, without caching policy. */
function identityHeaders(identity: ResponseIdentity): string[] {
  return [
    ...CORS_HEADERS,
    'x-ipfs-path', identity.contentPath,
    'x-ipfs-roots', identity.roots.map((cid) => cid.toString()).join(','),
    'vary', 'Accept',
  ]
}

/** Media type of a single raw block. */
export const RAW_BLOCK_TYPE = 'application/vnd.ipld.raw'

/**
 * Headers of a `application/vnd.ipld.raw` answer (trustless gateway spec, "Block
 * Responses"): the block is an attachment named `<cid>.bin`, never rendered, and its
 * Etag is the CID with the `.raw` suffix so it differs from the deserialized one. Byte
 * ranges of the (verified) block are served (path gateway conformance `TestGatewayBlock`);
 * the length comes with the range decision.
 */
export function rawResponseHeaders(request: GatewayRequest, target: CID, identity: ResponseIdentity): string[] {
  return [
    'content-type', RAW_BLOCK_TYPE,
    'x-content-type-options', 'nosniff',
    'etag', rawEtag(target),
    'content-disposition', contentDisposition('attachment', request.filename ?? `${target.toString()}.bin`),
    'accept-ranges', 'bytes',
    ...commonHeaders(identity),
  ]
}

/**
 * Headers of a CARv1 answer (trustless gateway spec, "CAR Responses"; IPIP-412):
 * `Content-Type` states version, order and dups so a client knows what it got; the Etag
 * covers every parameter that changes the bytes (path, scope, entity-bytes, dups).
 */
export function carResponseHeaders(request: GatewayRequest, identity: ResponseIdentity): string[] {
  const car = request.car
  return [
    'content-type', `application/vnd.ipld.car; version=1; order=dfs; dups=${car.duplicates ? 'y' : 'n'}`,
    'x-content-type-options', 'nosniff',
    'etag', carEtag(request, identity),
    // Named after the CID the path ends at (conformance t0118), which is what the CAR is of.
    'content-disposition', contentDisposition('attachment', request.filename ?? `${(identity.roots.at(-1) ?? request.cid).toString()}.car`),
    'accept-ranges', 'none',
    ...commonHeaders(identity),
  ]
}

/** The Etag of a raw block answer: the CID with `.raw`, so it differs from the deserialized one. */
export function rawEtag(target: CID): string {
  return `"${target.toString()}.raw"`
}

/** The Etag of a CAR answer: the root CID, `.car` and a tag of every parameter that changes the bytes. */
export function carEtag(request: GatewayRequest, identity: ResponseIdentity): string {
  return `"${request.cid.toString()}.car.${carVariantTag(identity.contentPath, request.car)}"`
}

/** The Etag of a deserialized file, or of a directory served through its index.html: the CID. */
export function deserializedEtag(target: CID): string {
  return `"${target.toString()}"`
}

/**
 * Version of the generated pages (directory listing, DAG view): part of their Etags, so
 * a new page invalidates cached ones. Bump it when either renderer changes its output.
 */
const DIRECTORY_LISTING_VERSION = 'v2'

/**
 * The Etag of a generated directory listing (path gateway spec, "Etag"; gateway
 * conformance `DirIndex-<hash>_CID-<cid>`): it names the directory but differs from its
 * block's, because the HTML is ours, not the DAG's.
 */
export function directoryListingEtag(directory: CID): string {
  return `"DirIndex-${DIRECTORY_LISTING_VERSION}_CID-${directory.toString()}"`
}

/**
 * The Etags an `If-None-Match` may name for this answer (path gateway spec, "If-None-Match"):
 * the format's own and, for deserialized answers, the listing's and the directory's CID,
 * since a directory is answered by its index.html or a listing.
 */
export function etagsOfAnswer(request: GatewayRequest, target: CID, identity: ResponseIdentity): readonly string[] {
  if (request.format === 'raw') return [rawEtag(target)]
  if (request.format === 'car') return [carEtag(request, identity)]
  const plan = planDagAnswer(request, target)
  if (plan.kind === 'block') return [dagBlockEtag(target, plan.format)]
  if (plan.kind === 'html') return [dagIndexEtag(target)]
  if (plan.kind === 'conversion-unsupported') return []
  return [deserializedEtag(target), directoryListingEtag(target)]
}

/** The Etag of a dag-json/dag-cbor block served as `format` (conformance: `"<cid>.dag-json"`). */
export function dagBlockEtag(target: CID, format: IpldFormat): string {
  return `"${target.toString()}.${format}"`
}

/** The Etag of the HTML view of a dag-json/dag-cbor block (`DagIndex-`, like a listing's `DirIndex-`). */
export function dagIndexEtag(target: CID): string {
  return `"DagIndex-${DIRECTORY_LISTING_VERSION}_CID-${target.toString()}"`
}

/**
 * Headers of a dag-json/dag-cbor block served byte for byte (path gateway spec; conformance
 * `TestNativeDag`): its representation's type, `nosniff`, the format in the Etag, and a
 * Content-Disposition — inline `<cid>.json` for JSON, attachment `<cid>.cbor` for CBOR
 * (binary a browser cannot show) — that `?filename=` and `?download=true` adjust.
 */
export function dagBlockResponseHeaders(request: GatewayRequest, target: CID, identity: ResponseIdentity, plan: Extract<DagAnswerPlan, { kind: 'block' }>): string[] {
  return [
    'content-type', plan.contentType,
    'x-content-type-options', 'nosniff',
    'etag', dagBlockEtag(target, plan.format),
    'content-disposition', contentDisposition(request.download ? 'attachment' : plan.disposition, request.filename ?? `${target.toString()}.${plan.extension}`),
    'accept-ranges', 'bytes',
    ...commonHeaders(identity),
  ]
}

/** Headers of the HTML view of a block: like a listing, the gateway's page, so no immutable caching and no attachment. */
export function dagIndexResponseHeaders(target: CID, identity: ResponseIdentity): string[] {
  return ['content-type', 'text/html; charset=utf-8', 'etag', dagIndexEtag(target), ...identityHeaders(identity)]
}

/**
 * Headers of a `304 Not Modified` (RFC 9110 §15.4.5: the fields a 200 would carry that
 * caches need: Cache-Control, Etag, Vary), and the gateway's `X-Ipfs-*`.
 */
export function notModifiedHeaders(etag: string, identity: ResponseIdentity): string[] {
  // A generated page's 304 keeps its 200's caching: none of the immutable kind.
  const isPage = etag.startsWith('"DirIndex-') || etag.startsWith('"DagIndex-')
  return ['etag', etag, ...(isPage ? identityHeaders(identity) : commonHeaders(identity))]
}

/**
 * Headers of a generated directory listing: no `Cache-Control: immutable`, because the
 * page is the gateway's rendering, which can change with the gateway (path gateway spec,
 * "Cache-Control"; conformance `TestGatewayCache` expects none), and the listing Etag.
 */
export function directoryListingResponseHeaders(request: GatewayRequest, directory: CID, identity: ResponseIdentity): string[] {
  const headers = ['content-type', 'text/html; charset=utf-8', 'etag', directoryListingEtag(directory), ...identityHeaders(identity)]
  if (request.download || request.filename !== undefined) headers.push('content-disposition', contentDisposition(request.download ? 'attachment' : 'inline', request.filename ?? directory.toString()))
  return headers
}

/** Headers of a deserialized file: the type, the CID as Etag (the directory's for its index.html), ranges allowed. */
export function deserializedResponseHeaders(request: GatewayRequest, target: CID, identity: ResponseIdentity, contentType: string, name: string | undefined): string[] {
  const headers = ['content-type', contentType, 'etag', deserializedEtag(target), 'accept-ranges', 'bytes', ...commonHeaders(identity)]
  const filename = request.filename ?? name
  if (request.download || request.filename !== undefined) headers.push('content-disposition', contentDisposition(request.download ? 'attachment' : 'inline', filename ?? target.toString()))
  return headers
}

/**
 * `Content-Location` of an answer whose format came from `Accept` rather than `?format=`
 * (path gateway spec, "Content-Location"; trustless spec for the CAR parameters): the
 * same URL with the format in the query, so generic HTTP caches keep the block, the CAR
 * and the deserialized answer apart. Undefined when the URL already names the format or
 * the answer is the default one. `target` is the gateway's request-target (query
 * included), `prefix` what the node's URL puts before it (a zone's `/z/<name>`).
 */
export function contentLocationOf(target: string, request: GatewayRequest, prefix: string): string | undefined {
  const queryAt = target.indexOf('?')
  const path = queryAt === -1 ? target : target.slice(0, queryAt)
  const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1))
  if (query.has('format')) return undefined
  const format = request.format === 'deserialized' ? request.ipldFormat : request.format
  if (format === undefined) return undefined
  query.set('format', format)
  if (request.format === 'car' && !query.has('car-dups')) query.set('car-dups', request.car.duplicates ? 'y' : 'n')
  return `${prefix}${path}?${query.toString()}`
}

/**
 * What the node's URL puts before the content path (a zone's `/z/<name>`), or '' when
 * the request path is the content path itself (or does not end with it).
 */
export function urlPrefixBefore(requestUrl: string, contentPath: string): string {
  const queryAt = requestUrl.indexOf('?')
  const path = queryAt === -1 ? requestUrl : requestUrl.slice(0, queryAt)
  const bare = contentPath.endsWith('/') ? contentPath.slice(0, -1) : contentPath
  const candidate = path.endsWith('/') ? path.slice(0, -1) : path
  return candidate.endsWith(bare) ? candidate.slice(0, candidate.length - bare.length) : ''
}

/**
 * `Location` of the redirect of a directory to its `/`-terminated URL (path gateway spec;
 * conformance: `/ipfs/<cid>/%C4%85/%C4%99/`): the absolute path as requested, percent-
 * encoding kept, with whatever the node's URL puts before the content path (a zone's
 * `/z/<name>`) and the query (a zone's ticket) kept too. `requestUrl` is the request-target
 * the node received, `contentPath` its `/ipfs/...` part without the query.
 */
export function trailingSlashLocation(requestUrl: string, contentPath: string): string {
  const queryAt = requestUrl.indexOf('?')
  const path = queryAt === -1 ? requestUrl : requestUrl.slice(0, queryAt)
  const query = queryAt === -1 ? '' : requestUrl.slice(queryAt)
  if (path.endsWith(contentPath)) return `${path}/${query}`
  // Not expected (the content path is the request's tail); relative to the directory's parent is still right.
  return `${contentPath.slice(contentPath.lastIndexOf('/') + 1)}/${query}`
}

/**
 * `Content-Disposition` with an ASCII fallback `filename` and, for other names, the
 * UTF-8 `filename*` form (RFC 6266 §4.3, RFC 8187).
 */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  if (ascii === filename) return `${kind}; filename="${ascii}"`
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

/** A short, stable tag of the CAR parameters (FNV-1a, hex): the Etag changes when the bytes would. */
function carVariantTag(contentPath: string, car: CarOptions): string {
  const bytes = car.entityBytes === undefined ? '' : `${car.entityBytes.from}:${car.entityBytes.to}`
  const text = `${contentPath}|${car.scope}|${bytes}|${car.duplicates ? 'y' : 'n'}`
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}
