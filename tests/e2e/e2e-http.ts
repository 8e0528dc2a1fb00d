/**
 * Test support (not a test): a raw HTTP client and a polling helper for the end-to-end
 * tests of issue #9 (loopback only, no agent, so every request is its own connection).
 */
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'

export interface Answer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

export function fetchRaw(url: string, options: { readonly method?: string; readonly token?: string; readonly json?: unknown; readonly headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    const request = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(options.json === undefined ? undefined : JSON.stringify(options.json))
  })
}

export async function api(method: string, url: string, options: { readonly token?: string; readonly json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const answer = await fetchRaw(url, { method, ...options })
  const text = answer.body.toString('utf8')
  return { status: answer.status, body: text === '' ? undefined : JSON.parse(text) }
}

/** Polls until `isDone`, at most `timeoutMs`; the assertion is on the value, never on the time. */
export async function until<T>(attempt: () => Promise<T>, isDone: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await attempt()
    if (isDone(value)) return value
    if (Date.now() > deadline) assert.fail(`not within ${String(timeoutMs)} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
