import type { Command } from 'commander'
import { CommanderError } from 'commander'
import { formatByteSize } from '@meson/protocol'
import type { DemoNetwork } from '../demo/run-demo.ts'
import { waitForStopSignal } from '../wait-for-stop-signal.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

interface DemoFlags {
  readonly port: string
  readonly nodes: string
  readonly traffic: boolean
  readonly dataDir?: string
  readonly logLevel: string
}

const MAX_DEMO_NODES = 16

function describeNetwork(network: DemoNetwork, networkFile: string): string {
  const zone = network.zones[0]
  const samplePath = network.samplePaths[2] ?? '/'
  return [
    '',
    'Meson demo network is up (loopback only).',
    `  coordinator   ${network.coordinatorUrl}   (API: ${network.coordinatorUrl}/v1/openapi.json)`,
    `  dashboard     ${network.dashboardUrl}   (explorer without a token; sign in with a token below)`,
    `  sample origin ${network.originUrl}`,
    ...network.nodes.map((node, index) => `  node ${index + 1}        ${node.url}   ${node.nodeId}`),
    `  buyer         ${network.buyer.accountId}  balance ${network.buyer.balance}`,
    `  operator      ${network.operator.accountId}`,
    zone === undefined ? '' : `  zone          ${zone.name} -> ${zone.origin}\n  zone URL      ${zone.url}`,
    `  sign in as the buyer:    ${network.buyer.token}`,
    `  sign in as the operator: ${network.operator.token}`,
    `  tokens and URLs: ${networkFile}`,
    '',
    zone === undefined ? '' : `  try: curl -L ${zone.url}${samplePath.replace(/^\//, '')} -o /dev/null -w '%{http_code} %{size_download} bytes from %{url_effective}\\n'`,
    `       curl -H "Authorization: Bearer $(jq -r .buyer.token ${networkFile})" ${network.coordinatorUrl}/v1/usage`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n')
}

/** `meson-net demo`: what `npm start` runs — a local network on loopback. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a local Meson network on loopback (what `npm start` runs)')
    .option('--port <port>', 'base port: coordinator on it, the sample origin on the next, nodes after; 0 picks free ports', '7400')
    .option('--nodes <n>', `edge nodes to start (1-${MAX_DEMO_NODES})`, '3')
    .option('--no-traffic', 'do not run the small traffic generator')
    .option('--data-dir <dir>', 'where the database and network.json go (default: a fresh temp dir)')
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'warn')
    .action(async (flags: DemoFlags) => {
      const basePort = Number(flags.port)
      if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65534) {
        process.stderr.write(`meson-net: --port: expected an integer between 0 and 65534, got ${JSON.stringify(flags.port)}\n`)
        throw new CommanderError(2, 'DEMO_BAD_PORT', 'bad --port')
      }
      const nodeCount = Number(flags.nodes)
      if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > MAX_DEMO_NODES) {
        process.stderr.write(`meson-net: --nodes: expected an integer between 1 and ${MAX_DEMO_NODES}, got ${JSON.stringify(flags.nodes)}\n`)
        throw new CommanderError(2, 'DEMO_BAD_NODES', 'bad --nodes')
      }
      const level = LOG_LEVELS.find((candidate) => candidate === flags.logLevel)
      if (level === undefined) {
        process.stderr.write(`meson-net: --log-level: expected one of ${LOG_LEVELS.join(', ')}\n`)
        throw new CommanderError(2, 'DEMO_BAD_LOG_LEVEL', 'bad --log-level')
      }
      // The whole network is imported when the command runs, not when the CLI starts.
      const [{ createLogger }, { startDemo }] = await Promise.all([import('@meson/coordinator'), import('../demo/run-demo.ts')])
      const logger = createLogger({ level, destination: 'stderr' })
      const stop = waitForStopSignal()
      const startedAt = Date.now()
      const demo = await startDemo({ basePort, nodeCount, withTraffic: flags.traffic, dataDir: flags.dataDir, logger })
      process.stdout.write(describeNetwork(demo.network, demo.networkFile))
      process.stdout.write(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`)
      const progress = setInterval(() => {
        const traffic = demo.traffic?.stats()
        if (traffic === undefined) return
        process.stdout.write(
          `traffic: ${traffic.requests} requests, ${traffic.fromNodes} via nodes, ${traffic.fromOriginFallback} from origin fallback, ${traffic.failed} failed, ${formatByteSize(traffic.bytes)}\n`,
        )
      }, 10_000)
      progress.unref()
      await stop
      clearInterval(progress)
      await demo.close()
      process.stdout.write('demo stopped\n')
    })
}
