import type { IncomingMessage } from 'node:http'

/** Reads a small request body (admin JSON); resolves undefined when it exceeds `limitBytes`. */
export async function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let sizeBytes = 0
  for await (const chunk of req) {
    if (!Buffer.isBuffer(chunk)) continue
    sizeBytes += chunk.length
    if (sizeBytes > limitBytes) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
