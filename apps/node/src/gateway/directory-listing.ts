/** One entry of a directory listing. */
export interface ListingEntry {
  readonly name: string
  readonly cid: string
  /** Bytes, when known (file size or DAG size). */
  readonly sizeBytes: bigint | undefined
}

/** Where the listed directory is. */
export interface ListingLocation {
  /** What the node's URL puts before `/ipfs/` (a zone's `/z/<name>`), or ''. */
  readonly basePath: string
  /** The root CID of the request, as text. */
  readonly root: string
  /** Path segments from the root to the directory, percent-decoded. */
  readonly segments: readonly string[]
}

/**
 * A small HTML listing of a UnixFS directory without `index.html`, in the shape the
 * gateway conformance suite checks (`TestUnixFSDirectoryListing`): "Index of", breadcrumbs
 * linking every level, a `..` backlink below the root, each name linking its content path,
 * each CID linking `/ipfs/<cid>?filename=<name>` (the name escaped twice, as the reference
 * gateway writes it). Links are absolute under `basePath`, so they work behind a zone's
 * prefix. Every name is escaped: directory entries are chosen by whoever added the content.
 */
export function renderDirectoryListing(location: ListingLocation, entries: readonly ListingEntry[]): string {
  const { basePath, root, segments } = location
  const hrefOf = (parts: readonly string[]): string => `${basePath}/ipfs/${[encodeURIComponent(root), ...parts.map((part) => encodeURIComponent(part))].join('/')}`
  const crumbs = [`<a href="${escapeHtml(hrefOf([]))}">${escapeHtml(root)}</a>`, ...segments.map((segment, index) => `<a href="${escapeHtml(hrefOf(segments.slice(0, index + 1)))}">${escapeHtml(segment)}</a>`)]
  const title = `/ipfs/${[root, ...segments].join('/')}/`
  const backlink = segments.length === 0 ? '' : `<tr><td><a href="${escapeHtml(`${hrefOf(segments)}/..`)}">..</a></td><td></td><td></td></tr>\n`
  const rows = entries
    .map((entry) => {
      const href = hrefOf([...segments, entry.name])
      const hashHref = `${basePath}/ipfs/${encodeURIComponent(entry.cid)}?filename=${encodeURIComponent(encodeURIComponent(entry.name))}`
      const size = entry.sizeBytes === undefined ? '' : entry.sizeBytes.toString()
      return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(entry.name)}</a></td><td><a class="ipfs-hash" translate="no" href="${escapeHtml(hashHref)}">${escapeHtml(entry.cid)}</a></td><td>${size}</td></tr>`
    })
    .join('\n')
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>Index of /ipfs/${crumbs.join('/')}</h1>
<table><thead><tr><th>Name</th><th>CID</th><th>Size</th></tr></thead>
<tbody>
${backlink}${rows}
</tbody></table></body></html>
`
}

/** `text` safe inside HTML text and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
