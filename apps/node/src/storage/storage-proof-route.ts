import type { IncomingMessage, ServerResponse } from 'node:http'
import { ReplayGuard, storageProofDigest, verifyStorageChallenge } from '@meson/protocol'
import type { StorageAnswer, VerifyKey } from '@meson/protocol'
import { sendErrorResponse } from '../adapters/http/error-response.ts'
import type { SegmentReader } from './fill-store.ts'

/** Live challenges remembered at most; an honest coordinator has a handful in flight. */
export const MAX_LIVE_CHALLENGES = 4096

/** Largest challenge body read; a signed challenge is a few hundred bytes. */
export const MAX_STORAGE_CHALLENGE_BODY_BYTES = 4096

export interface StorageProofRouteParameters {
  readonly nodeId: string
  /** The coordinator key the link fetched; undefined before the first fetch (503). */
  readonly coordinatorKey: () => VerifyKey | undefined
  readonly reader: SegmentReader
  readonly nowMs: () => number
}

/**
 * `POST /_meson/storage-proof` (STORAGE_PROOF_PATH): opens the coordinator's signed
 * challenge, reads `length` bytes at `offset` of the segment and answers
 * `{ segment, proof: storageProofDigest(nonce, bytes) }`. 400 malformed or too large,
 * 403 not the coordinator's / not for this node / expired, 404 unknown segment or a
 * range past its end, 405 not POST, 409 a challenge answered already (a captured copy
 * sent again: no second disk read), 429 too many live challenges. Never throws; answers
 * never carry a stack.
 */
export function createStorageProofRoute(parameters: StorageProofRouteParameters): (req: IncomingMessage, res: ServerResponse) => void {
  // The nonces of answered challenges, each until its challenge expires: a captured copy
  // sent again costs a signature check, not a disk read.
  const nonces = new ReplayGuard({ capacity: MAX_LIVE_CHALLENGES })
  return (req, res) => {
    if (req.method !== 'POST') {
      req.resume()
      sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'The storage proof route is POST only.', ['allow', 'POST'])
      return
    }
    answerChallenge(parameters, nonces, req, res).catch(() => {
      sendErrorResponse(res, 'INTERNAL', 'Internal error.')
    })
  }
}

async function answerChallenge(parameters: StorageProofRouteParameters, nonces: ReplayGuard, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBoundedBody(req, MAX_STORAGE_CHALLENGE_BODY_BYTES)
  if (text === undefined) {
    sendErrorResponse(res, 'BAD_REQUEST', `A challenge body is at most ${MAX_STORAGE_CHALLENGE_BODY_BYTES} bytes.`, ['connection', 'close'])
    return
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    sendErrorResponse(res, 'BAD_REQUEST', 'The body must be a JSON envelope.')
    return
  }
  const key = parameters.coordinatorKey()
  if (key === undefined) {
    sendErrorResponse(res, 'SHUTTING_DOWN', 'The node does not know the coordinator key yet.')
    return
  }
  const verified = verifyStorageChallenge(key, raw, { now: parameters.nowMs(), nodeId: parameters.nodeId })
  if (!verified.ok) {
    if (verified.reason === 'malformed' || verified.reason === 'invalid-payload') sendErrorResponse(res, 'BAD_REQUEST', `The challenge is ${verified.reason}.`)
    else sendErrorResponse(res, 'FORBIDDEN', `The challenge was refused: ${verified.reason}.`)
    return
  }
  const { segment, offset, length, nonce, expiresAt } = verified.challenge
  const admission = nonces.admit(nonce, expiresAt, parameters.nowMs())
  if (admission === 'replayed') {
    sendErrorResponse(res, 'CONFLICT', 'This challenge was answered already.')
    return
  }
  if (admission === 'full') {
    sendErrorResponse(res, 'TOO_MANY_REQUESTS', 'Too many live challenges; try again later.')
    return
  }
  const read = await parameters.reader.readRange(segment, offset, length)
  if (!read.ok) {
    sendErrorResponse(res, 'NOT_FOUND', read.reason === 'unknown-segment' ? 'This node holds no such segment.' : 'The range is past the end of the segment.')
    return
  }
  const answer: StorageAnswer = { segment, proof: storageProofDigest(nonce, read.bytes) }
  const body = JSON.stringify(answer)
  res.writeHead(200, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store'])
  res.end(body)
}

/**
 * The body as UTF-8, or undefined once it passes `limit` bytes (declared or sent). An
 * oversized body is not read further: the request is paused and the 400 closes the connection.
 */
function readBoundedBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > limit) {
    req.pause()
    return Promise.resolve(undefined)
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength
      if (size <= limit) {
        chunks.push(chunk)
        return
      }
      req.off('data', onData)
      req.pause()
      resolve(undefined)
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.once('error', reject)
  })
}
