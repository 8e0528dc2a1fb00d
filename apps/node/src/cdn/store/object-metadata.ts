import { crc32 } from 'node:zlib'
import { z } from 'zod'
import type { StoredResponse } from '../policy/stored-response.ts'

/**
 * The metadata file of one object (`<id>.meta`), beside its raw body (`<id>.body`):
 *
 * ```
 * offset size  field
 *      0    4  magic "MSNC"
 *      4    2  format version (u16 BE), currently 1
 *      6    2  reserved, 0
 *      8    4  JSON length in bytes (u32 BE)
 *     12    4  CRC-32 of the JSON bytes (u32 BE)
 *     16    n  JSON: { id, storedAtMs, surrogateKeys, response }
 * ```
 *
 * The file must be exactly 16 + n bytes: a short or long file is torn. The CRC catches
 * flipped bytes that would still parse as JSON; the body has its own SHA-256 inside.
 */
export const METADATA_MAGIC = 'MSNC'
export const METADATA_VERSION = 1
export const METADATA_HEADER_BYTES = 16
/** Metadata larger than this is not ours (headers are capped far below by the server). */
export const MAX_METADATA_BYTES = 1024 * 1024

/** Everything the store keeps about one object apart from its body. */
export interface ObjectMetadata {
  readonly id: string
  /** Local time of the commit; orders variants and breaks ties between duplicates. */
  readonly storedAtMs: number
  readonly surrogateKeys: readonly string[]
  readonly response: StoredResponse
}

/** Why a metadata file was rejected. */
export type MetadataDefect =
  | 'short'
  | 'too-large'
  | 'bad-magic'
  | 'unsupported-version'
  | 'length-mismatch'
  | 'checksum-mismatch'
  | 'bad-json'
  | 'bad-schema'

export type DecodeObjectMetadataResult =
  | { readonly ok: true; readonly metadata: ObjectMetadata }
  | { readonly ok: false; readonly defect: MetadataDefect }

const headerMapSchema = z.record(z.string(), z.string())

const objectMetadataSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  storedAtMs: z.number(),
  surrogateKeys: z.array(z.string()),
  response: z.object({
    primaryKey: z.string(),
    secondaryKey: z.string(),
    status: z.number().int().min(100).max(999),
    headers: headerMapSchema,
    varyRequestHeaders: headerMapSchema,
    requestTimeMs: z.number(),
    responseTimeMs: z.number(),
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
})

/** Serialises metadata into the `.meta` file format. */
export function encodeObjectMetadata(metadata: ObjectMetadata): Buffer {
  const json = Buffer.from(JSON.stringify(metadata), 'utf8')
  const header = Buffer.alloc(METADATA_HEADER_BYTES)
  header.write(METADATA_MAGIC, 0, 'latin1')
  header.writeUInt16BE(METADATA_VERSION, 4)
  header.writeUInt32BE(json.length, 8)
  header.writeUInt32BE(crc32(json), 12)
  return Buffer.concat([header, json])
}

/** Parses a `.meta` file; a torn or foreign file is a result, not an exception. */
export function decodeObjectMetadata(bytes: Uint8Array): DecodeObjectMetadataResult {
  if (bytes.length < METADATA_HEADER_BYTES) return { ok: false, defect: 'short' }
  if (bytes.length > METADATA_HEADER_BYTES + MAX_METADATA_BYTES) return { ok: false, defect: 'too-large' }
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (file.toString('latin1', 0, 4) !== METADATA_MAGIC) return { ok: false, defect: 'bad-magic' }
  if (file.readUInt16BE(4) !== METADATA_VERSION) return { ok: false, defect: 'unsupported-version' }
  const jsonLength = file.readUInt32BE(8)
  if (file.length !== METADATA_HEADER_BYTES + jsonLength) return { ok: false, defect: 'length-mismatch' }
  const json = file.subarray(METADATA_HEADER_BYTES)
  if (crc32(json) !== file.readUInt32BE(12)) return { ok: false, defect: 'checksum-mismatch' }
  let parsed: unknown
  try {
    parsed = JSON.parse(json.toString('utf8'))
  } catch {
    return { ok: false, defect: 'bad-json' }
  }
  const result = objectMetadataSchema.safeParse(parsed)
  if (!result.success) return { ok: false, defect: 'bad-schema' }
  return { ok: true, metadata: result.data }
}
