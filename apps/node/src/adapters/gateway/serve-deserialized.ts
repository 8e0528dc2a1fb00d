import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CID } from 'multiformats/cid'
import { exporter } from 'ipfs-unixfs-exporter'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import { blockstoreOver } from '../../gateway/block-source-blockstore.ts'
import type { ReadableBlockstore } from '../../gateway/block-source-blockstore.ts'
import { DAG_CBOR } from '../../gateway/block-codecs.ts'
import { contentTypeFromName, sniffContentType } from '../../gateway/content-type.ts'
import { renderDirectoryListing } from '../../gateway/directory-listing.ts'
import type { ListingEntry } from '../../gateway/directory-listing.ts'
import { GatewayError } from '../../gateway/gateway-error.ts'
import { planDagAnswer } from '../../gateway/dag-answer.ts'
import { renderDagIndex } from '../../gateway/dag-index-html.ts'
import { CORS_HEADERS, dagBlockResponseHeaders, dagIndexResponseHeaders, deserializedResponseHeaders, directoryListingResponseHeaders, trailingSlashLocation, urlPrefixBefore } from '../../gateway/gateway-headers.ts'
import type { ResponseIdentity } from '../../gateway/gateway-headers.ts'
import type { GatewayRequest } from '../../gateway/gateway-request.ts'
import type { ResolvedContentPath } from '../../gateway/resolve-content-path.ts'
import type { GatewayContext } from './gateway-context.ts'
import { bytesReader, sendContent } from './send-content.ts'

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
    await sendContent(req, res, dagBlockResponseHeaders(request, resolved.target, identity, plan), plan.contentType, bytes.length, bytesReader(bytes))
    return
  }
  const blockstore = blockstoreOver(context.source)
  const entry = await exporter(resolved.target, blockstore, { signal })
  const name = request.segments.at(-1)
  if (entry.type === 'directory') {
    if (!identity.contentPath.endsWith('/')) {
      res.writeHead(301, ['location', trailingSlashLocation(req.url ?? '', identity.contentPath), 'content-length', '0', 'cache-control', 'public, max-age=29030400, immutable', ...CORS_HEADERS])
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
  // A symlink's content is its target path, held in the (verified) node itself; the exporter streams none of it.
  if (entry.type === 'file' && entry.unixfs.type === 'symlink') {
    const target = entry.unixfs.data ?? new Uint8Array(0)
    const contentType = contentTypeFromName(name) ?? sniffContentType(target)
    await sendContent(req, res, deserializedResponseHeaders(request, etagCid, identity, contentType, name), contentType, target.length, bytesReader(target))
    return
  }
  const sizeBytes = Number(entry.size)
  const contentType = contentTypeFromName(name) ?? sniffContentType(await readHead(entry, sizeBytes, signal))
  const headers = deserializedResponseHeaders(request, etagCid, identity, contentType, name)
  await sendContent(req, res, headers, contentType, sizeBytes, (offset, length) => entry.content({ offset, length, signal, blockReadConcurrency: BLOCK_READ_CONCURRENCY }))
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
  const location = { basePath: urlPrefixBefore(req.url ?? '', identity.contentPath), root: request.cid.toString(), segments: request.segments }
  const body = Buffer.from(renderDirectoryListing(location, entries), 'utf8')
  res.writeHead(200, [...directoryListingResponseHeaders(request, entry.cid, identity), 'content-length', String(body.length)])
  res.end(req.method === 'HEAD' ? undefined : body)
}
