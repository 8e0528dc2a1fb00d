import type { AccountId } from '@meson/protocol'

/** What the epoch close needs of a registered node (the fleet's node record satisfies it). */
export interface RewardableNode {
  readonly id: string
  readonly operatorId: AccountId
  readonly publicIp: string
  readonly diskQuotaBytes: bigint
  readonly registeredAt: Date
  readonly lastHeartbeatAt: Date | null
  /** Uplink the operator declared at registration (counted, discounted, until a speed probe measures the node). */
  readonly declaredUplinkMbps?: number
}
