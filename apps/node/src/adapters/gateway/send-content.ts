import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { formatContentRange, formatUnsatisfiedContentRange } from '../../cdn/policy/range.ts'
import { planFileRanges } from '../../gateway/file-ranges.ts'
import { writeChunk } from './write-chunk.ts'

/** Reads `length` bytes of the content from `offset` (verified blocks underneath). */
export type ReadContent = (offset: number, length: number) => AsyncIterable<Uint8Array>

/**
 * Sends content of `sizeBytes` with `headers` (which carry its type as `contentType`):
 * whole (200), one range (206), several (206 `multipart/byteranges`) or 416, per
 * `planFileRanges`; HEAD gets the headers of the whole.
 */
export async function sendContent(req: IncomingMessage, res: ServerResponse, headers: readonly string[], contentType: string, sizeBytes: number, read: ReadContent): Promise<void> {
  const rangeHeader = req.method === 'GET' ? headerText(req.headers.range) : undefined
  const answer = planFileRanges(rangeHeader, sizeBytes, contentType, randomBytes(12).toString('hex'))
  const isHead = req.method === 'HEAD'
  switch (answer.kind) {
    case 'unsatisfiable':
      res.writeHead(416, [...headers, 'content-range', formatUnsatisfiedContentRange(sizeBytes), 'content-length', '0'])
      res.end()
      return
    case 'full':
      res.writeHead(200, [...headers, 'content-length', String(sizeBytes)])
      if (!isHead) await copy(res, read, 0, sizeBytes)
      res.end()
      return
    case 'single': {
      const length = answer.end - answer.start + 1
      res.writeHead(206, [...headers, 'content-range', formatContentRange(answer.start, answer.end, sizeBytes), 'content-length', String(length)])
      await copy(res, read, answer.start, length)
      res.end()
      return
    }
    case 'multipart': {
      const { plan } = answer
      // The parts carry the type; the whole is multipart (RFC 9110 §14.6).
      const outer = headers.map((value, index) => (index % 2 === 1 && headers[index - 1] === 'content-type' ? plan.contentType : value))
      res.writeHead(206, [...outer, 'content-length', String(plan.contentLength)])
      for (const part of plan.parts) {
        await writeChunk(res, Buffer.from(part.head, 'latin1'))
        await copy(res, read, part.start, part.end - part.start + 1)
      }
      await writeChunk(res, Buffer.from(plan.tail, 'latin1'))
      res.end()
      return
    }
  }
}

/** Reads from bytes already in hand (a verified block). */
export function bytesReader(bytes: Uint8Array): ReadContent {
  return async function* (offset, length) {
    yield await Promise.resolve(bytes.subarray(offset, offset + length))
  }
}

async function copy(res: ServerResponse, read: ReadContent, offset: number, length: number): Promise<void> {
  if (length <= 0) return
  for await (const chunk of read(offset, length)) await writeChunk(res, chunk)
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
