/** One entry of a directory listing. */
export interface ListingEntry {
  readonly name: string
  readonly cid: string
  /** Bytes, when known (file size or DAG size). */
  readonly sizeBytes: bigint | undefined
}

/**
 * A small HTML listing of a UnixFS directory without `index.html`: names link relative
 * to the directory (the request path ends with `/`), CIDs link to their own `/ipfs/`.
 * Every name is escaped: directory entries are chosen by whoever added the content.
 */
export function renderDirectoryListing(contentPath: string, entries: readonly ListingEntry[]): string {
  const rows = entries
    .map((entry) => {
      const href = encodeURIComponent(entry.name)
      const size = entry.sizeBytes === undefined ? '' : entry.sizeBytes.toString()
      return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(entry.name)}</a></td><td><a href="/ipfs/${escapeHtml(entry.cid)}">${escapeHtml(entry.cid)}</a></td><td>${size}</td></tr>`
    })
    .join('\n')
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(contentPath)}</title></head>
<body><h1>Index of ${escapeHtml(contentPath)}</h1>
<table><thead><tr><th>Name</th><th>CID</th><th>Size</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`
}

/** `text` safe inside HTML text and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
