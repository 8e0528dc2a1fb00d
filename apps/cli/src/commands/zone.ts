import type { Command } from 'commander'
import { callCoordinatorApi } from './admin-api-call.ts'
import { readSecret } from './read-secret.ts'

/** `meson-net zone create`: a buyer's pull zone in front of an origin, with the buyer's token. */
export function registerZoneCommand(program: Command): void {
  const zone = program.command('zone').description("manage a buyer's pull zones (buyer token)")
  zone
    .command('create')
    .description('create a pull zone; prints its URL on the coordinator')
    .option('--coordinator <url>', "the coordinator's URL", 'http://127.0.0.1:7400')
    .option('--token-file <path>', "file holding the buyer's API token (or set MESON_TOKEN)")
    .option('--token <token>', "the buyer's API token (prefer the file or MESON_TOKEN: a flag shows in ps)")
    .requiredOption('--name <name>', 'zone name (a DNS label): the zone URL is <coordinator>/z/<name>/')
    .requiredOption('--origin <url>', "the origin's base URL, e.g. https://origin.example.com")
    .option('--price-per-gib <amount>', 'price per GiB within the network\'s bounds (default: the network\'s)')
    .action(async (flags: { readonly coordinator: string; readonly tokenFile?: string; readonly token?: string; readonly name: string; readonly origin: string; readonly pricePerGib?: string }) => {
      const token = readSecret({ file: flags.tokenFile, env: 'MESON_TOKEN', flag: flags.token, what: 'buyer token', flagName: '--token', fileFlagName: '--token-file' })
      await callCoordinatorApi(flags.coordinator, token, 'POST', '/v1/zones', { name: flags.name, origin: flags.origin, ...(flags.pricePerGib === undefined ? {} : { pricePerGiB: flags.pricePerGib }) })
      process.stdout.write(`zone ${flags.name} -> ${flags.origin}\nzone URL ${new URL(`/z/${flags.name}/`, flags.coordinator).href}\n`)
    })
}
