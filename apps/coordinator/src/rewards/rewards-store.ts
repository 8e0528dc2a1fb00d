import type { AccountId } from '@meson/protocol'
import type { NodeScore } from './node-score.ts'
import type { EpochClosePlan, OperatorPayout } from './plan-epoch-close.ts'
import type { ProbeEvidence, ProbeResult } from './probe-result.ts'

/**
 * The rewards port: closed epochs, node scores, operator payouts and probe results.
 * One kysely implementation over SQLite and PostgreSQL (`adapters/db/kysely-rewards-store.ts`);
 * the compliance suite `rewards-store.contract.ts` runs against both.
 */

export interface EpochSummary {
  readonly id: string
  readonly startMs: number
  readonly endMs: number
  readonly emission: bigint
  readonly emitted: bigint
  readonly usagePaid: bigint
  readonly nodesRewarded: number
  /** When the plan was stored (the claim). */
  readonly claimedAtMs: number
  /** When its ledger transactions were all posted; null while closing. */
  readonly closedAtMs: number | null
}

export interface EarningsRow extends OperatorPayout {
  readonly epochId: string
}

/** What the store knows of the fleet's probes and scores for closing an epoch. */
export interface EpochEvidence {
  /** Probe results of the epoch window. */
  readonly probes: readonly ProbeEvidence[]
  /** Each node's last score before the epoch (credit and throughput carry over). */
  readonly previous: ReadonlyMap<string, { readonly credit: number; readonly measuredMbps: number | null }>
  /** Usage earnings each operator was credited (ledger kind `usage`) during the window. */
  readonly usageEarnings: ReadonlyMap<AccountId, bigint>
}

export interface RewardsStore {
  /**
   * Stores an epoch's plan (epoch row, scores, payouts) in one transaction, unless the
   * epoch was claimed before: the epoch id is the primary key, so of several replicas
   * exactly one stores its plan. Returns whether this call stored it.
   */
  claimEpoch(plan: EpochClosePlan, claimedAtMs: number): Promise<'claimed' | 'taken'>
  /** Marks an epoch closed (its ledger transactions are posted); a second call keeps the first time. */
  markEpochClosed(epochId: string, closedAtMs: number): Promise<void>
  getEpoch(epochId: string): Promise<EpochSummary | undefined>
  /** Newest first. */
  listEpochs(limit: number): Promise<readonly EpochSummary[]>
  /** The newest epoch by start time, or undefined when none was ever claimed. */
  latestEpoch(): Promise<EpochSummary | undefined>
  listEpochPayouts(epochId: string): Promise<readonly OperatorPayout[]>
  /** An operator's payouts, newest epoch first. */
  listEarnings(operatorId: AccountId, limit: number): Promise<readonly EarningsRow[]>
  /** A node's score of an epoch, or of its newest scored epoch. */
  getNodeScore(nodeId: string, epochId?: string): Promise<(NodeScore & { readonly epochId: string }) | undefined>
  /** Penalties of a node's recent epochs, newest first. */
  listNodePenalties(nodeId: string, limit: number): Promise<readonly { readonly epochId: string; readonly kind: string; readonly reason: string }[]>

  /** Stores probe results (a repeated id is ignored). */
  saveProbeResults(results: readonly ProbeResult[]): Promise<void>
  /** A node's probe results in [fromMs, toMs), oldest first. */
  listProbeResults(nodeId: string, fromMs: number, toMs: number): Promise<readonly ProbeResult[]>
  /** Everything of the window [startMs, endMs) an epoch close needs besides the fleet. */
  loadEpochEvidence(startMs: number, endMs: number): Promise<EpochEvidence>
}
