import type { KeyObject } from 'node:crypto'
import { signEnvelope } from '@meson/protocol'
import type { NodeId, SignedEnvelope, UsageLine, UsageReport } from '@meson/protocol'

/** A usage report signed by the node, ready for the journal and the coordinator. */
export interface SealedUsageBatch {
  readonly batchId: string
  readonly createdAtMs: number
  /** `{ payload, signature }` exactly as journaled and sent. */
  readonly envelope: SignedEnvelope
  /** The served-bytes log segments below this number are in this batch (see usage-wal.ts). */
  readonly walUpto?: number
}

/** Signs `lines` as one usage report (purpose 'usage-report') under a fresh batch id. */
export function sealUsageBatch(parameters: {
  readonly batchId: string
  readonly nodeId: NodeId
  readonly privateKey: KeyObject
  readonly createdAtMs: number
  readonly lines: readonly UsageLine[]
}): SealedUsageBatch {
  const report: UsageReport = {
    batchId: parameters.batchId,
    nodeId: parameters.nodeId,
    createdAt: parameters.createdAtMs,
    lines: [...parameters.lines],
  }
  return { batchId: parameters.batchId, createdAtMs: parameters.createdAtMs, envelope: signEnvelope('usage-report', parameters.privateKey, report) }
}
