/**
 * The body of a `fetch` response as UTF-8 text, or undefined (and the body cancelled) as
 * soon as it grows past `maxBytes`: an answer from the other side of the wire is outside
 * input, read without trusting its size. Used by both sides of the node API.
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string | undefined> {
  if (response.body === null) return ''
  const chunks: Uint8Array[] = []
  let totalBytes = 0
  for await (const chunk of response.body) {
    totalBytes += chunk.byteLength
    // Leaving the loop cancels the stream (calling cancel() here would throw: the loop holds its lock).
    if (totalBytes > maxBytes) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
