/** Media types by file extension (the common web set; anything else is sniffed). */
const TYPES_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['html', 'text/html; charset=utf-8'],
  ['htm', 'text/html; charset=utf-8'],
  ['css', 'text/css; charset=utf-8'],
  ['js', 'text/javascript; charset=utf-8'],
  ['mjs', 'text/javascript; charset=utf-8'],
  ['json', 'application/json'],
  ['txt', 'text/plain; charset=utf-8'],
  ['md', 'text/markdown; charset=utf-8'],
  ['csv', 'text/csv; charset=utf-8'],
  ['xml', 'application/xml'],
  ['svg', 'image/svg+xml'],
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['avif', 'image/avif'],
  ['ico', 'image/x-icon'],
  ['pdf', 'application/pdf'],
  ['wasm', 'application/wasm'],
  ['mp4', 'video/mp4'],
  ['webm', 'video/webm'],
  ['mp3', 'audio/mpeg'],
  ['ogg', 'audio/ogg'],
  ['woff', 'font/woff'],
  ['woff2', 'font/woff2'],
  ['zip', 'application/zip'],
  ['gz', 'application/gzip'],
  ['tar', 'application/x-tar'],
  ['car', 'application/vnd.ipld.car'],
])

/** Magic numbers of formats worth recognising without a name (WHATWG MIME Sniffing §7). */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly type: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: 'image/png' },
  { bytes: [0xff, 0xd8, 0xff], type: 'image/jpeg' },
  { bytes: [0x47, 0x49, 0x46, 0x38], type: 'image/gif' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: 'application/pdf' },
  { bytes: [0x00, 0x61, 0x73, 0x6d], type: 'application/wasm' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], type: 'application/zip' },
  { bytes: [0x1f, 0x8b, 0x08], type: 'application/gzip' },
]

const OCTET_STREAM = 'application/octet-stream'

/** The media type of a file named `name` (last path segment), or undefined when the name does not tell. */
export function contentTypeFromName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return undefined
  return TYPES_BY_EXTENSION.get(name.slice(dot + 1).toLowerCase())
}

/**
 * The media type of `head` (a file's first bytes): a known signature, HTML by its
 * opening tag, text when the bytes are valid UTF-8 without control characters, else
 * `application/octet-stream`.
 */
export function sniffContentType(head: Uint8Array): string {
  for (const signature of SIGNATURES) {
    if (signature.bytes.every((byte, index) => head[index] === byte)) return signature.type
  }
  const text = decodeUtf8(head.subarray(0, 512))
  if (text === undefined) return OCTET_STREAM
  const start = text.trimStart().slice(0, 15).toLowerCase()
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html; charset=utf-8'
  if (start.startsWith('<svg')) return 'image/svg+xml'
  // eslint-disable-next-line no-control-regex -- control characters are what marks binary data
  if (/[\x00-\x08\x0e-\x1a\x1c-\x1f]/.test(text)) return OCTET_STREAM
  return 'text/plain; charset=utf-8'
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // A multi-byte character cut at the end of the sample is not an error: stream mode.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
  } catch {
    return undefined
  }
}
