import { getAddress } from 'viem'
import type { Abi, Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem'
import { ensureArtifacts } from '../compile/ensure-artifacts.ts'
import { ContractsError } from '../contracts-error.ts'

/** A wallet client that has an account to sign with. */
export type SigningWalletClient = WalletClient<Transport, Chain | undefined, Account>

export interface DeployContractParameters {
  readonly wallet: SigningWalletClient
  readonly publicClient: PublicClient
  /** Contract name as in the Solidity source, e.g. `MesonToken`. */
  readonly contract: string
  readonly args: readonly unknown[]
}

/** Deploys one compiled contract and waits for its receipt; returns its address. */
export async function deployContract(parameters: DeployContractParameters): Promise<Address> {
  const artifact = (await ensureArtifacts()).get(parameters.contract)
  if (artifact === undefined) throw new ContractsError('ARTIFACT_MISSING', `No compiled contract named ${parameters.contract}.`)
  // The artifact's ABI is JSON read at run time; viem only needs it to encode the constructor.
  const abi = artifact.abi as Abi
  const hash = await parameters.wallet.deployContract({
    abi,
    bytecode: artifact.bytecode,
    args: parameters.args,
    account: parameters.wallet.account,
    chain: parameters.wallet.chain,
  })
  const receipt = await parameters.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || receipt.contractAddress === null || receipt.contractAddress === undefined) {
    throw new ContractsError('DEPLOY_FAILED', `Deploying ${parameters.contract} failed.`, { details: `transaction ${hash}` })
  }
  // Receipts carry lowercase addresses; everything we hand out is EIP-55 checksummed.
  return getAddress(receipt.contractAddress)
}
