import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'

export interface FileDigest {
  readonly sha256: string
  readonly sizeBytes: number
}

/** Files up to this size are read in one call: a stream costs more than it saves for them. */
const WHOLE_READ_MAX_BYTES = 1024 * 1024

/**
 * SHA-256 of a file in constant memory (streamed), given the size the caller expects:
 * small files are read whole, which makes a startup scan of many small objects several
 * times faster than opening a stream per file.
 */
export async function hashFile(path: string, expectedSizeBytes: number): Promise<FileDigest> {
  const hash = createHash('sha256')
  if (expectedSizeBytes <= WHOLE_READ_MAX_BYTES) {
    const bytes = await readFile(path)
    return { sha256: hash.update(bytes).digest('hex'), sizeBytes: bytes.length }
  }
  let sizeBytes = 0
  // Without an encoding a file stream yields Buffers.
  const chunks: AsyncIterable<Buffer> = createReadStream(path, { highWaterMark: WHOLE_READ_MAX_BYTES })
  for await (const chunk of chunks) {
    hash.update(chunk)
    sizeBytes += chunk.length
  }
  return { sha256: hash.digest('hex'), sizeBytes }
}
