import { performance } from 'node:perf_hooks'
import { parseNodeId, readBoundedText, STORAGE_PROOF_PATH } from '@meson/protocol'
import type { ProbeResult } from '../../rewards/probe-result.ts'
import type { ProbeTarget } from '../../probes/hunters.ts'
import { randomToken } from '../../probes/plan-probes.ts'
import { judgeStorageProbe } from '../../probes/storage-probe.ts'
import type { StorageChallengeReply } from '../../probes/storage-probe.ts'
import type { StorageProofs } from '../../probes/storage-proofs.ts'

/** The node's answer is `{ segment, proof }`: a few hundred bytes at most. */
const MAX_ANSWER_BYTES = 4096

/**
 * The storage probe of a hunters' round over HTTP: plans a challenge of the node's
 * confirmed fill, POSTs it (signed by the coordinator) to the node's
 * `/_meson/storage-proof`, and judges the answer; a wrong proof (or the node's 404)
 * ends the challenged segment as lost. Never throws for a node's failure.
 */
export function createStorageProbe(options: {
  readonly storage: StorageProofs
  readonly timeoutMs: number
  readonly random: () => number
  readonly now: () => number
  readonly fetch?: typeof fetch
}): (node: ProbeTarget) => Promise<ProbeResult> {
  const fetchFunction = options.fetch ?? fetch
  return async (node) => {
    const id = `storage-${randomToken(options.random)}`
    const nodeId = parseNodeId(node.id)
    const planned = nodeId.ok ? await options.storage.planChallenge(nodeId.value) : { heldBytes: 0 as const }
    let reply: StorageChallengeReply | undefined
    if ('challenge' in planned) {
      const started = performance.now()
      try {
        const response = await fetchFunction(`${node.publicUrl.replace(/\/$/, '')}${STORAGE_PROOF_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(planned.envelope),
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        })
        const text = await readBoundedText(response, MAX_ANSWER_BYTES)
        reply = { kind: 'answer', status: response.status, body: parseJson(text), ms: performance.now() - started }
      } catch (error) {
        reply = { kind: 'unreachable', reason: error instanceof Error ? error.name : 'request failed', ms: performance.now() - started }
      }
    }
    const result = judgeStorageProbe({ id, nodeId: node.id, atMs: options.now(), planned, reply })
    // The segment is lost only when the node itself answered: a wrong proof (its bytes are
    // not the fill) or 404 (it says it has no such segment). A timeout or a 5xx fails the
    // probe (0 verified disk this epoch) but the segment stays, so an honest node is not
    // left holding a file the coordinator no longer counts.
    if (result.outcome === 'fail' && 'challenge' in planned && reply?.kind === 'answer' && (reply.status === 200 || reply.status === 404)) {
      await options.storage.markLost(planned.challenge.nodeId, planned.challenge.segment)
    }
    return result
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
