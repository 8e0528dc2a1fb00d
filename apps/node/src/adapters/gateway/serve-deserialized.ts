import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CID } from 'multiformats/cid'
import { exporter } from 'ipfs-unixfs-exporter'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import { formatContentRange, formatUnsatisfiedContentRange, parseRange } from '../../cdn/policy/range.ts'
import { blockstoreOver } from '../../gateway/block-source-blockstore.ts'
import type { ReadableBlockstore } from '../../gateway/block-source-blockstore.ts'
import { DAG_CBOR } from '../../gateway/block-codecs.ts'
import { contentTypeFromName, sniffContentType } from '../../gateway/content-type.ts'
import { renderDirectoryListing } from '../../gateway/directory-listing.ts'
import type { ListingEntry } from '../../gateway/directory-listing.ts'
import { GatewayError } from '../../gateway/gateway-error.ts'
import { planDagAnswer } from '../../gateway/dag-answer.ts'
import { renderDagIndex } from '../../gateway/dag-index-html.ts'
import { dagBlockResponseHeaders, dagIndexResponseHeaders, deserializedResponseHeaders, directoryListingResponseHeaders } from '../../gateway/gateway-headers.ts'
import type { ResponseIdentity } from '../../gateway/gateway-headers.ts'
import type { GatewayRequest } from '../../gateway/gateway-request.ts'
import type { ResolvedContentPath } from '../../gateway/resolve-content-path.ts'
import type { GatewayContext } from './gateway-context.ts'
import { writeChunk } from './write-chunk.ts'

/** Entries shown in a generated listing, at most (bigger directories are cut, with a note). */
const MAX_LISTING_ENTRIES = 10_000
const SNIFF_BYTES = 512

/** An exporter entry with bytes to stream (UnixFS file, raw or identity block). */
type FileEntry = Exclude<UnixFSEntry, { readonly type: 'directory' } | { readonly type: 'object' }>
/** Chunks the exporter reads ahead while streaming a file. */
const BLOCK_READ_CONCURRENCY = 16

/**
 * The deserialized answer (path gateway spec): a UnixFS file (with `Range`, type from the
 * name or sniffed), a directory's `index.html` or a small listing (after a redirect to
 * the `/`-terminated URL, so relative links resolve), or a dag-json/dag-cbor block: as is
 * in its own or a byte-compatible representation (`planDagAnswer`), or as an HTML view.
 */
export async function serveDeserialized(context: GatewayContext, req: IncomingMessage, res: ServerResponse, request: GatewayRequest, resolved: ResolvedContentPath, identity: ResponseIdentity, signal: AbortSignal): Promise<void> {
  const plan = planDagAnswer(request, resolved.target)
  if (plan.kind === 'conversion-unsupported') throw new GatewayError('NOT_IMPLEMENTED', `Converting ${plan.from} to ${plan.to} is not implemented by this gateway; ask for the block as it is (?format=raw).`)
  if (plan.kind !== 'unixfs') {
    const bytes = await context.source.getBlock(resolved.target, { signal })
    if (plan.kind === 'html') {
      const body = Buffer.from(renderDagIndex(identity.contentPath, resolved.target, resolved.target.code === DAG_CBOR ? 'dag-cbor' : 'dag-json', bytes), 'utf8')
      res.writeHead(200, [...dagIndexResponseHeaders(resolved.target, identity), 'content-length', String(body.length)])
      res.end(req.method === 'HEAD' ? undefined : body)
      return
    }
    sendBytes(req, res, dagBlockResponseHeaders(request, resolved.target, identity, plan), bytes)
    return
  }
  const blockstore = blockstoreOver(context.source)
  const entry = await exporter(resolved.target, blockstore, { signal })
  const name = request.segments.at(-1)
  if (entry.type === 'directory') {
    if (!identity.contentPath.endsWith('/')) {
      const query = req.url?.includes('?') === true ? req.url.slice(req.url.indexOf('?')) : ''
      res.writeHead(301, ['location', `${identity.contentPath.slice(identity.contentPath.lastIndexOf('/') + 1)}/${query}`, 'content-length', '0', 'cache-control', 'public, max-age=29030400, immutable'])
      res.end()
      return
    }
    const index = await findIndexHtml(resolved, blockstore, signal)
    if (index !== undefined) {
      // The Etag is the directory's CID (path gateway spec): the URL names the directory.
      await serveFile(req, res, request, index, identity, 'index.html', signal, entry.cid)
      return
    }
    await serveListing(req, res, request, entry, identity, signal)
    return
  }
  // dag-cbor/dag-json were answered above; another data-model codec is not served.
  if (entry.type === 'object') throw new GatewayError('UNSUPPORTED_CODEC', `Codec 0x${resolved.target.code.toString(16)} is not served by this gateway.`)
  await serveFile(req, res, request, entry, identity, name, signal, entry.cid)
}

/** `bytes` whole, or the one range the request asks for (206/416), as the file path does. */
function sendBytes(req: IncomingMessage, res: ServerResponse, headers: readonly string[], bytes: Uint8Array): void {
  const range = req.method === 'GET' ? parseRange(headerText(req.headers.range), bytes.length) : { kind: 'full' as const }
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, [...headers, 'content-range', formatUnsatisfiedContentRange(bytes.length), 'content-length', '0'])
    res.end()
    return
  }
  const body = range.kind === 'partial' ? bytes.subarray(range.start, range.end + 1) : bytes
  if (range.kind === 'partial') res.writeHead(206, [...headers, 'content-range', formatContentRange(range.start, range.end, bytes.length), 'content-length', String(body.length)])
  else res.writeHead(200, [...headers, 'content-length', String(bytes.length)])
  res.end(req.method === 'HEAD' ? undefined : body)
}

async function findIndexHtml(resolved: ResolvedContentPath, blockstore: ReadableBlockstore, signal: AbortSignal): Promise<FileEntry | undefined> {
  try {
    const index = await exporter(`${resolved.target.toString()}/index.html`, blockstore, { signal })
    return index.type === 'file' || index.type === 'raw' || index.type === 'identity' ? index : undefined
  } catch (error) {
    if (error instanceof GatewayError) throw error
    return undefined
  }
}

async function serveFile(req: IncomingMessage, res: ServerResponse, request: GatewayRequest, entry: FileEntry, identity: ResponseIdentity, name: string | undefined, signal: AbortSignal, etagCid: CID): Promise<void> {
  const sizeBytes = Number(entry.size)
  const contentType = contentTypeFromName(name) ?? sniffContentType(await readHead(entry, sizeBytes, signal))
  const headers = deserializedResponseHeaders(request, etagCid, identity, contentType, name)
  const range = req.method === 'GET' ? parseRange(headerText(req.headers.range), sizeBytes) : { kind: 'full' as const }
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, [...headers, 'content-range', formatUnsatisfiedContentRange(sizeBytes), 'content-length', '0'])
    res.end()
    return
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, sizeBytes - 1]
  const length = Math.max(0, end - start + 1)
  if (range.kind === 'partial') res.writeHead(206, [...headers, 'content-range', formatContentRange(start, end, sizeBytes), 'content-length', String(length)])
  else res.writeHead(200, [...headers, 'content-length', String(sizeBytes)])
  if (req.method === 'HEAD' || length === 0) {
    res.end()
    return
  }
  for await (const chunk of entry.content({ offset: start, length, signal, blockReadConcurrency: BLOCK_READ_CONCURRENCY })) {
    await writeChunk(res, chunk)
  }
  res.end()
}

async function readHead(entry: FileEntry, sizeBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const length = Math.min(SNIFF_BYTES, sizeBytes)
  if (length === 0) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  for await (const chunk of entry.content({ offset: 0, length, signal })) chunks.push(chunk)
  return Buffer.concat(chunks)
}

async function serveListing(req: IncomingMessage, res: ServerResponse, request: GatewayRequest, entry: UnixFSEntry, identity: ResponseIdentity, signal: AbortSignal): Promise<void> {
  if (entry.type !== 'directory') throw new GatewayError('PATH_NOT_FOUND', 'Not a directory.')
  const entries: ListingEntry[] = []
  for await (const child of entry.entries({ signal })) {
    entries.push({ name: child.name, cid: child.cid.toString(), sizeBytes: child.size })
    if (entries.length >= MAX_LISTING_ENTRIES) break
  }
  const body = Buffer.from(renderDirectoryListing(identity.contentPath, entries), 'utf8')
  res.writeHead(200, [...directoryListingResponseHeaders(request, entry.cid, identity), 'content-length', String(body.length)])
  res.end(req.method === 'HEAD' ? undefined : body)
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
