import type { Address, PublicClient } from 'viem'
import { cumulativeMerkleDistributorAbi } from '../abi/cumulative-merkle-distributor-abi.ts'
import { mesonTokenAbi } from '../abi/meson-token-abi.ts'
import { deployContract } from './deploy-contract.ts'
import type { SigningWalletClient } from './deploy-contract.ts'

/** Where the network's contracts live on one chain. */
export interface NetworkContracts {
  readonly token: Address
  readonly distributor: Address
  readonly vault: Address
}

export interface DeployNetworkContractsParameters {
  /** Deployer; becomes DEFAULT_ADMIN_ROLE of every contract. */
  readonly wallet: SigningWalletClient
  readonly publicClient: PublicClient
  /** Gets MINTER_ROLE on the token. */
  readonly minter: Address
  /** Gets SETTLER_ROLE on the distributor (the coordinator's settlement key). */
  readonly settler: Address
  readonly tokenName?: string
  readonly tokenSymbol?: string
}

/**
 * Deploys token, distributor and vault, and grants exactly the roles named: minting to
 * `minter`, posting roots to `settler`. Nothing else can mint or settle.
 */
export async function deployNetworkContracts(parameters: DeployNetworkContractsParameters): Promise<NetworkContracts> {
  const { wallet, publicClient } = parameters
  const admin = wallet.account.address
  const token = await deployContract({ wallet, publicClient, contract: 'MesonToken', args: [parameters.tokenName ?? 'Meson Network Token', parameters.tokenSymbol ?? 'MSN', admin] })
  const distributor = await deployContract({ wallet, publicClient, contract: 'CumulativeMerkleDistributor', args: [token, admin] })
  const vault = await deployContract({ wallet, publicClient, contract: 'DepositVault', args: [token, admin] })
  const minterRole = await publicClient.readContract({ address: token, abi: mesonTokenAbi, functionName: 'MINTER_ROLE' })
  const settlerRole = await publicClient.readContract({ address: distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'SETTLER_ROLE' })
  for (const hash of [
    await wallet.writeContract({ address: token, abi: mesonTokenAbi, functionName: 'grantRole', args: [minterRole, parameters.minter], chain: wallet.chain, account: wallet.account }),
    await wallet.writeContract({ address: distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'grantRole', args: [settlerRole, parameters.settler], chain: wallet.chain, account: wallet.account }),
  ]) {
    await publicClient.waitForTransactionReceipt({ hash })
  }
  return { token, distributor, vault }
}
