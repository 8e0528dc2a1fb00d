import type { Command } from 'commander'

interface ClaimFlags {
  readonly coordinator: string
  readonly rpc: string
  readonly keyFile?: string
  readonly confirmations: string
}

/** `meson-net claim`: claims the operator's settled earnings to their payout address. */
export function registerClaimCommand(program: Command): void {
  program
    .command('claim')
    .description('claim your settled earnings from the distributor (key from --key-file, mode 0600, or MESON_PRIVATE_KEY)')
    .requiredOption('--coordinator <url>', 'coordinator base URL')
    .requiredOption('--rpc <url>', 'JSON-RPC URL of the chain')
    .option('--key-file <path>', 'file holding the payout address private key (mode 0600)')
    .option('--confirmations <n>', 'blocks to wait for', '1')
    .action(async (flags: ClaimFlags) => {
      const { readPrivateKey } = await import('../chain/read-private-key.ts')
      const { runClaim } = await import('../chain/run-claim.ts')
      await runClaim({
        coordinatorUrl: flags.coordinator,
        rpcUrl: flags.rpc,
        privateKey: await readPrivateKey(flags.keyFile),
        confirmations: Math.max(1, Number.parseInt(flags.confirmations, 10) || 1),
        write: (text) => process.stdout.write(text),
      })
    })
}
