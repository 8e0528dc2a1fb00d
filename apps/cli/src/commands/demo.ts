import type { Command } from 'commander'
import { CommanderError } from 'commander'
import { createLogger } from '@meson/coordinator'
import { startDemo } from '../demo/run-demo.ts'
import type { DemoNetwork } from '../demo/run-demo.ts'
import { waitForStopSignal } from '../wait-for-stop-signal.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

interface DemoFlags {
  readonly port: string
  readonly dataDir?: string
  readonly logLevel: string
}

function describeNetwork(network: DemoNetwork, networkFile: string): string {
  const zone = network.zones[0]
  return [
    '',
    'Meson demo network is up (loopback only).',
    `  coordinator   ${network.coordinatorUrl}   (API: ${network.coordinatorUrl}/v1/openapi.json)`,
    `  sample origin ${network.originUrl}`,
    `  buyer         ${network.buyer.accountId}  balance ${network.buyer.balance}`,
    `  operator      ${network.operator.accountId}`,
    zone === undefined ? '' : `  zone          ${zone.name} -> ${zone.origin}`,
    `  tokens and URLs: ${networkFile}`,
    '',
    `  try: curl -H "Authorization: Bearer $(jq -r .buyer.token ${networkFile})" ${network.coordinatorUrl}/v1/zones`,
    '',
    `Not in this demo yet: ${network.notYet.join('; ')}.`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n')
}

/** `meson-net demo`: what `npm start` runs — a local network on loopback. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a local Meson network on loopback (what `npm start` runs)')
    .option('--port <port>', 'base port: coordinator on it, the sample origin on the next; 0 picks free ports', '7400')
    .option('--data-dir <dir>', 'where the database and network.json go (default: a fresh temp dir)')
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'warn')
    .action(async (flags: DemoFlags) => {
      const basePort = Number(flags.port)
      if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65534) {
        process.stderr.write(`meson-net: --port: expected an integer between 0 and 65534, got ${JSON.stringify(flags.port)}\n`)
        throw new CommanderError(2, 'DEMO_BAD_PORT', 'bad --port')
      }
      const level = LOG_LEVELS.find((candidate) => candidate === flags.logLevel)
      if (level === undefined) {
        process.stderr.write(`meson-net: --log-level: expected one of ${LOG_LEVELS.join(', ')}\n`)
        throw new CommanderError(2, 'DEMO_BAD_LOG_LEVEL', 'bad --log-level')
      }
      const logger = createLogger({ level, destination: 'stderr' })
      const stop = waitForStopSignal()
      const demo = await startDemo({ basePort, dataDir: flags.dataDir, logger })
      process.stdout.write(describeNetwork(demo.network, demo.networkFile))
      await stop
      await demo.close()
      process.stdout.write('demo stopped\n')
    })
}
