import type { Command } from 'commander'

interface DepositFlags {
  readonly amount: string
  readonly account: string
  readonly coordinator: string
  readonly rpc: string
  readonly keyFile?: string
  readonly confirmations: string
}

/** `meson-net deposit`: tops up a buyer account through the deposit vault. */
export function registerDepositCommand(program: Command): void {
  program
    .command('deposit')
    .description('deposit tokens for a buyer account (key from --key-file, mode 0600, or MESON_PRIVATE_KEY)')
    .requiredOption('--amount <amount>', 'e.g. 10MSN')
    .requiredOption('--account <id>', 'the buyer account id (acc_...)')
    .option('--coordinator <url>', 'coordinator base URL', 'http://127.0.0.1:7400')
    .requiredOption('--rpc <url>', 'JSON-RPC URL of the chain')
    .option('--key-file <path>', 'file holding the paying wallet private key (mode 0600)')
    .option('--confirmations <n>', 'blocks to wait for', '1')
    .action(async (flags: DepositFlags) => {
      const { parseTokenAmount } = await import('../chain/parse-token-amount.ts')
      const { readPrivateKey } = await import('../chain/read-private-key.ts')
      const { runDeposit } = await import('../chain/run-deposit.ts')
      const amount = parseTokenAmount(flags.amount)
      if (amount === undefined) throw new Error(`--amount ${flags.amount} is not a positive token amount (e.g. 10MSN or 0.5)`)
      await runDeposit({
        coordinatorUrl: flags.coordinator,
        rpcUrl: flags.rpc,
        privateKey: await readPrivateKey(flags.keyFile),
        accountId: flags.account,
        amount,
        confirmations: Math.max(1, Number.parseInt(flags.confirmations, 10) || 1),
        write: (text) => process.stdout.write(text),
      })
    })
}
