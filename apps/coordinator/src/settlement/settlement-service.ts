import type { Address } from 'viem'
import type { ClaimsView } from './claims-view.ts'

/** The chain the network settles on, as `GET /v1/chain` shows it. */
export interface ChainInfo {
  readonly chainId: number
  readonly token: Address
  readonly distributor: Address
  readonly vault: Address
}

/** What the HTTP routes need of settlement. */
export interface SettlementService {
  readonly chain: ChainInfo
  readonly claims: ClaimsView
}
