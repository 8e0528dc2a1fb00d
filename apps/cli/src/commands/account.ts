import type { Command } from 'commander'
import { callCoordinatorApi, textField } from './admin-api-call.ts'
import { readSecret } from './read-secret.ts'

interface AdminFlags {
  readonly coordinator: string
  readonly adminTokenFile?: string
  readonly adminToken?: string
}

function adminToken(flags: AdminFlags): string {
  return readSecret({ file: flags.adminTokenFile, env: 'MESON_ADMIN_TOKEN', flag: flags.adminToken, what: 'admin token', flagName: '--admin-token', fileFlagName: '--admin-token-file' })
}

function withAdminOptions(command: Command): Command {
  return command
    .option('--coordinator <url>', 'the coordinator\'s URL', 'http://127.0.0.1:7400')
    .option('--admin-token-file <path>', 'file holding the admin token, e.g. <data-dir>/admin-token (or set MESON_ADMIN_TOKEN)')
    .option('--admin-token <token>', 'the admin token (prefer the file or MESON_ADMIN_TOKEN: a flag shows in ps)')
}

/**
 * `meson-net account create | credit`: the first accounts of a standalone coordinator,
 * made with the admin token (issue #9: a newcomer had no way in but raw API calls).
 */
export function registerAccountCommand(program: Command): void {
  const account = program.command('account').description('create accounts and credit buyers on a coordinator (admin token)')
  withAdminOptions(account.command('create').description('create a buyer or operator account; prints its id, and its API token once'))
    .requiredOption('--name <name>', 'account name')
    .requiredOption('--role <role>', 'buyer (pays for zones) or operator (runs nodes)')
    .action(async (flags: AdminFlags & { readonly name: string; readonly role: string }) => {
      const answer = await callCoordinatorApi(flags.coordinator, adminToken(flags), 'POST', '/v1/accounts', { name: flags.name, role: flags.role })
      const accountId = textField(typeof answer === 'object' && answer !== null ? Reflect.get(answer, 'account') : undefined, 'id') ?? ''
      process.stdout.write(`account ${accountId} (${flags.role})\ntoken ${textField(answer, 'token') ?? ''}\n`)
      process.stderr.write('Keep the token: it is shown once. Pass it to other commands with a file (--token-file) or MESON_TOKEN / MESON_NODE_TOKEN.\n')
    })
  withAdminOptions(account.command('credit').description('credit a buyer account (test credit; amounts like "10 MSN")'))
    .requiredOption('--account <id>', 'the buyer account id (acc_...)')
    .requiredOption('--amount <amount>', 'e.g. "10 MSN" or base units')
    .action(async (flags: AdminFlags & { readonly account: string; readonly amount: string }) => {
      await callCoordinatorApi(flags.coordinator, adminToken(flags), 'POST', '/v1/admin/credits', { accountId: flags.account, amount: flags.amount })
      process.stdout.write(`credited ${flags.amount} to ${flags.account}\n`)
    })
}
