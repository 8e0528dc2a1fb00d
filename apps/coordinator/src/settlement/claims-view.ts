import type { Address, Hex } from 'viem'
import { buildCumulativeMerkleTree } from './cumulative-merkle-tree.ts'
import type { CumulativeMerkleTree } from './cumulative-merkle-tree.ts'
import type { Distributor } from './distributor.ts'
import type { SettlementStore } from './settlement-store.ts'

/** What an account can claim under the latest confirmed root. */
export interface Claim {
  readonly address: Address
  readonly cumulativeAmount: bigint
  /** Paid so far, as the distributor says. */
  readonly claimed: bigint
  readonly root: Hex
  readonly proof: readonly Hex[]
  readonly sequence: number
}

/**
 * Proofs for the latest confirmed settlement. The tree is rebuilt from the stored
 * allocations once per new root and kept, so serving a proof is a map lookup.
 */
export class ClaimsView {
  readonly #store: SettlementStore
  readonly #distributor: Distributor
  #cached: { readonly sequence: number; readonly tree: Promise<CumulativeMerkleTree> } | undefined

  constructor(init: { readonly store: SettlementStore; readonly distributor: Distributor }) {
    this.#store = init.store
    this.#distributor = init.distributor
  }

  /** The claim of `address`, or undefined when no confirmed root names it. */
  async claimFor(address: Address): Promise<Claim | undefined> {
    const confirmed = await this.#store.latestConfirmedSettlement()
    if (confirmed === undefined) return undefined
    if (this.#cached?.sequence !== confirmed.sequence) {
      const tree = this.#buildTree(confirmed.sequence)
      this.#cached = { sequence: confirmed.sequence, tree }
      // A failed build (e.g. the store was briefly down) is not kept: the next call retries.
      tree.catch(() => {
        if (this.#cached?.tree === tree) this.#cached = undefined
      })
    }
    const tree = await this.#cached.tree
    const leaf = tree.proofFor(address)
    if (leaf === undefined) return undefined
    return { address, cumulativeAmount: leaf.cumulativeAmount, claimed: await this.#distributor.readClaimed(address), root: tree.root, proof: leaf.proof, sequence: confirmed.sequence }
  }

  async #buildTree(sequence: number): Promise<CumulativeMerkleTree> {
    const byAddress = new Map<Address, bigint>()
    for (const allocation of await this.#store.listAllocations(sequence)) {
      byAddress.set(allocation.payoutAddress, (byAddress.get(allocation.payoutAddress) ?? 0n) + allocation.amount)
    }
    return buildCumulativeMerkleTree([...byAddress].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount })))
  }
}
