import { storageAnswerSchema } from '@meson/protocol'
import type { ProbeResult } from '../rewards/probe-result.ts'
import type { PlannedStorageChallenge } from './storage-proofs.ts'

/** What came back from sending a storage challenge to a node. */
export type StorageChallengeReply =
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown; readonly ms: number }
  | { readonly kind: 'unreachable'; readonly reason: string; readonly ms: number }

/**
 * Judges one storage probe (pure). A node holding no fill passes with 0 bytes held (it
 * has nothing to prove yet; its verified disk is 0). With fill, the node must answer the
 * challenge with the digest of the challenged range: anything else fails, and its
 * reason says what came back.
 */
export function judgeStorageProbe(input: {
  readonly id: string
  readonly nodeId: string
  readonly atMs: number
  readonly planned: PlannedStorageChallenge | { readonly heldBytes: 0 }
  readonly reply: StorageChallengeReply | undefined
}): ProbeResult {
  const base = { id: input.id, nodeId: input.nodeId, kind: 'storage' as const, atMs: input.atMs }
  if (!('challenge' in input.planned) || input.reply === undefined) {
    return { ...base, outcome: 'pass', measurements: { heldBytes: 0, heldSegments: 0 }, reason: 'holds no fill yet: 0 bytes of verified disk' }
  }
  const { challenge, expectedProof, heldBytes, heldSegments } = input.planned
  const measurements = { heldBytes, heldSegments, segment: challenge.segment, offset: challenge.offset, length: challenge.length, ms: Math.round(input.reply.ms) }
  const fail = (reason: string): ProbeResult => ({ ...base, outcome: 'fail', measurements, reason: `storage challenge of segment ${String(challenge.segment)}: ${reason}` })
  if (input.reply.kind === 'unreachable') return fail(`no answer (${input.reply.reason})`)
  if (input.reply.status !== 200) return fail(`the node answered HTTP ${String(input.reply.status)}`)
  const answer = storageAnswerSchema.safeParse(input.reply.body)
  if (!answer.success) return fail('the answer is not { segment, proof }')
  if (answer.data.segment !== challenge.segment || answer.data.proof !== expectedProof) return fail('wrong proof: the node does not hold the bytes it was served')
  return { ...base, outcome: 'pass', measurements, reason: `holds ${String(heldSegments)} segment(s), ${String(heldBytes)} bytes of fill; the challenged range matched` }
}
