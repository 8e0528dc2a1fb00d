import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CID } from 'multiformats/cid'
import { carBlocks } from '../../gateway/car-blocks.ts'
import { encodeCarBlockPrefix, encodeCarHeader } from '../../gateway/car-encoder.ts'
import { isDenied } from '../../gateway/denylist.ts'
import { GatewayError } from '../../gateway/gateway-error.ts'
import { CORS_HEADERS, RAW_BLOCK_TYPE, carResponseHeaders, contentLocationOf, etagsOfAnswer, notModifiedHeaders, rawResponseHeaders, urlPrefixBefore } from '../../gateway/gateway-headers.ts'
import type { ResponseIdentity } from '../../gateway/gateway-headers.ts'
import { isOnlyIfCached, parseGatewayRequest } from '../../gateway/gateway-request.ts'
import { ifNoneMatchHit } from '../../gateway/if-none-match.ts'
import type { GatewayRequest } from '../../gateway/gateway-request.ts'
import { resolveContentPath } from '../../gateway/resolve-content-path.ts'
import type { ResolvedContentPath } from '../../gateway/resolve-content-path.ts'
import type { GatewayContext } from './gateway-context.ts'
import { sendGatewayError } from './gateway-error-response.ts'
import { serveDeserialized } from './serve-deserialized.ts'
import { bytesReader, sendContent } from './send-content.ts'
import { writeChunk } from './write-chunk.ts'

/**
 * Answers `GET|HEAD /ipfs/<cid>[/<path>]` (IPFS trustless gateway and path gateway
 * specs): raw blocks, CARv1 streams, deserialized UnixFS and dag-json/dag-cbor, every
 * block verified against its CID by the context's source before a byte of it is
 * written; `OPTIONS` is the CORS preflight, `/ipns/` a clear 501. `target` is
 * the request-target as the gateway sees it (a zone's prefix already removed).
 */
export async function serveGatewayRequest(context: GatewayContext, req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  if (req.method === 'OPTIONS') {
    // A CORS preflight (or a plain OPTIONS): what any origin may do here.
    res.writeHead(200, ['allow', 'GET, HEAD, OPTIONS', 'content-length', '0', ...CORS_HEADERS])
    res.end()
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, ['allow', 'GET, HEAD, OPTIONS', 'content-length', '0', ...CORS_HEADERS])
    res.end()
    return
  }
  const parsed = parseGatewayRequest(target, headerText(req.headers.accept))
  if (!parsed.ok) {
    sendGatewayError(res, new GatewayError(parsed.reason.code, parsed.reason.message))
    return
  }
  const request = parsed.value
  const abort = new AbortController()
  res.once('close', () => abort.abort())
  try {
    if (isDenied(context.denylist(), request.cid, request.segments)) throw denied()
    if (isOnlyIfCached(headerText(req.headers['cache-control'])) && context.source.hasLocalBlock !== undefined && !(await context.source.hasLocalBlock(request.cid))) {
      throw new GatewayError('NOT_CACHED', `only-if-cached: ${request.cid.toString()} is not held by this node.`)
    }
    const firstBlock = AbortSignal.any([abort.signal, AbortSignal.timeout(context.firstBlockTimeoutMs)])
    const resolved = await resolveContentPath(context.source, request.cid, request.segments, { signal: firstBlock })
    if (resolved.roots.slice(1).some((cid) => isDenied(context.denylist(), cid, []))) throw denied()
    // A path that ends inside a dag-cbor/dag-json block (a field, not a link) is not served: never the whole block for it.
    if (resolved.remainder.length > 0) throw new GatewayError('NOT_IMPLEMENTED', `/${resolved.remainder.join('/')} is a field inside ${resolved.target.toString()}: reading IPLD Kinds other than Links (CBOR Tag 42) is not implemented.`)
    // The target's block before any header: a missing, late or forged block is a status, not a cut stream.
    const targetBlock = await context.source.getBlock(resolved.target, { signal: firstBlock })
    const identity: ResponseIdentity = { contentPath: contentPathOf(target), roots: resolved.roots }
    // Set here for every success answer of this request; an error answer removes it.
    const location = contentLocationOf(target, request, urlPrefixBefore(req.url ?? '', identity.contentPath))
    if (location !== undefined) res.setHeader('content-location', location)
    // The client holds this immutable answer already (path gateway spec, "If-None-Match"): 304, no body.
    const notModified = ifNoneMatchHit(headerText(req.headers['if-none-match']), etagsOfAnswer(request, resolved.target, identity))
    if (notModified !== undefined) {
      res.writeHead(304, notModifiedHeaders(notModified, identity))
      res.end()
    } else if (request.format === 'raw') {
      await sendContent(req, res, rawResponseHeaders(request, resolved.target, identity), RAW_BLOCK_TYPE, targetBlock.length, bytesReader(targetBlock))
    } else if (request.format === 'car') {
      await writeCar(context, req, res, request, resolved, identity, abort.signal)
    } else {
      await serveDeserialized(context, req, res, request, resolved, identity, abort.signal)
    }
    context.onAnswered?.(request.format, res.statusCode)
  } catch (error) {
    context.onAnswered?.(request.format, error instanceof GatewayError ? 0 : 500)
    sendGatewayError(res, error)
  }
}

async function writeCar(context: GatewayContext, req: IncomingMessage, res: ServerResponse, request: GatewayRequest, resolved: ResolvedContentPath, identity: ResponseIdentity, signal: AbortSignal): Promise<void> {
  res.writeHead(200, carResponseHeaders(request, identity))
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const roots: CID[] = [request.cid]
  await writeChunk(res, encodeCarHeader(roots))
  const start = { target: resolved.target, pathBlocks: resolved.pathBlocks }
  for await (const block of carBlocks(context.source, start, request.car, context.prefetchWindow, { signal })) {
    await writeChunk(res, encodeCarBlockPrefix(block.cid, block.bytes.length))
    await writeChunk(res, block.bytes)
  }
  res.end()
}

function denied(): GatewayError {
  return new GatewayError('CONTENT_DENIED', 'This content is on the denylist of this gateway.')
}

/** The request-target without its query: what `X-Ipfs-Path` echoes. */
function contentPathOf(target: string): string {
  const queryAt = target.indexOf('?')
  return queryAt === -1 ? target : target.slice(0, queryAt)
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
