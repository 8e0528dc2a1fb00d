import type { Command } from 'commander'
import { CommanderError } from 'commander'
import { LOG_LEVELS } from '@meson/coordinator/config'
import { formatByteSize } from '@meson/protocol'
import type { DemoNetwork } from '../demo/run-demo.ts'
import { waitForStopSignal } from '../wait-for-stop-signal.ts'

interface DemoFlags {
  readonly port: string
  readonly nodes: string
  readonly traffic: boolean
  readonly dataDir?: string
  readonly logLevel: string
}

const MAX_DEMO_NODES = 16

function describeNetwork(network: DemoNetwork, networkFile: string, buyerHeaderFile: string, proxyConfigFile: string): string {
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
    `  ipfs zone     ${network.gateway.zoneUrl}ipfs/${network.gateway.rootCid}/   (upstream ${network.gateway.upstreamUrl}, every block verified)`,
    `  sign in as the buyer:    ${network.buyer.token}`,
    `  sign in as the operator: ${network.operator.token}`,
    `  tokens and URLs: ${networkFile}`,
    network.chain === undefined ? '' : `  chain         ${network.chain.rpcUrl} (id ${network.chain.chainId}), distributor ${network.chain.distributor}, settled after every epoch close`,
    network.chain === undefined ? '' : `  claim:  npx meson-net claim --coordinator ${network.coordinatorUrl} --rpc ${network.chain.rpcUrl} --key-file ${network.chain.operatorKeyFile}`,
    '',
    `  try: curl -L ${network.gateway.zoneUrl}ipfs/${network.gateway.rootCid}/hello.txt`,
    `       curl -L '${network.gateway.zoneUrl}ipfs/${network.gateway.rootCid}?format=car' -o root.car`,
    zone === undefined ? '' : `  try: curl -L ${zone.url}${samplePath.replace(/^\//, '')} -o /dev/null -w '%{http_code} %{size_download} bytes from %{url_effective}\\n'`,
    // `-H @file` (curl 7.55+) reads the header from the file: no jq, and no token in `ps`.
    `       curl -H @${buyerHeaderFile} ${network.coordinatorUrl}/v1/usage`,
    // `-K file` holds the proxy login (0600): no jq, and no password in `ps`.
    `  proxy: curl -K ${proxyConfigFile} -x ${network.proxy.http} ${network.proxy.target}`,
    `         curl -K ${proxyConfigFile} --socks5-hostname ${network.proxy.socks5.replace(/^socks5h:\/\//, '')} ${network.proxy.target}`,
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
    .option('--data-dir <dir>', 'where the database and network.json go; run again with the same dir to keep them (default: a fresh temp dir, removed on exit)')
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
      const demo = await startDemo({
        basePort,
        nodeCount,
        withTraffic: flags.traffic,
        dataDir: flags.dataDir,
        logger,
        onNodeEvent: (event) => process.stdout.write(`${event.message}\n`),
      })
      process.stdout.write(describeNetwork(demo.network, demo.networkFile, demo.buyerHeaderFile, demo.proxyConfigFile))
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
