/**
 * bench/proxy child: the coordinator's side of the proxy in its own process — an
 * in-memory store with one funded buyer and one registered exit node, and the proxy
 * gateway (tunnel listener + SOCKS5 + HTTP front ends). Reads its job from env:
 *   BENCH_EXIT_PUBLIC_KEY   the exit's raw public key (base64url), registered as a node;
 *   BENCH_ALLOW_PORTS       comma-separated loopback ports the gateway may reach;
 *   BENCH_DATA_IDLE         data connections granted to the exit (0: HTTP/2 streams only; unset: the default).
 * Writes JSON lines to stdout: `{ready, socksPort, httpPort, tunnelPort, username, password}`,
 * then `{event: 'exit-connected'}`; answers `rss` and `cpu` on stdin with `{rss}` (bytes).
 */
import { createInterface } from 'node:readline'
import { decodeBase64Url, nodeIdFromPublicKey } from '@meson/protocol'
import { authorizeRegisteredExit, buyerLedgerAccount, generateProxySecret, hashProxySecret, openStores, startProxyGateway } from '@meson/coordinator/testing'

const publicKeyText = process.env['BENCH_EXIT_PUBLIC_KEY'] ?? ''
const allow = (process.env['BENCH_ALLOW_PORTS'] ?? '').split(',').filter((port) => port !== '').map((port) => ({ address: '127.0.0.1', port: Number(port) }))
const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`)

const stores = await openStores({ url: 'sqlite::memory:' })
const { store, proxy: proxyStore } = stores
const operator = await store.createAccount({ name: 'operator', role: 'operator' })
const buyer = await store.createAccount({ name: 'buyer', role: 'buyer' })
const credit = 10n ** 30n
await store.postTransaction({ id: `grant:${buyer.id}`, kind: 'grant', entries: [{ ledgerAccount: buyerLedgerAccount(buyer.id), amount: credit }, { ledgerAccount: 'system:grants', amount: -credit }] })
const password = generateProxySecret()
await proxyStore.setCredentialHash(buyer.id, hashProxySecret(password), Date.now())
const exitPublicKey = decodeBase64Url(publicKeyText)
if (exitPublicKey === undefined) throw new Error('BENCH_EXIT_PUBLIC_KEY is not base64url')
const nodeId = nodeIdFromPublicKey(exitPublicKey)
await stores.fleet.saveNode({ id: nodeId, operatorId: operator.id, publicKey: publicKeyText, publicUrl: 'http://127.0.0.1:9', version: '0.1.0', status: 'active', publicIp: '127.0.0.1', diskQuotaBytes: 0n, declaredUplinkMbps: 0, capabilities: ['proxy'], isReachable: false })

const gateway = await startProxyGateway({
  host: '127.0.0.1',
  httpPort: 0,
  socksPort: 0,
  tunnelPort: 0,
  policy: { blockedPorts: [25, 465, 587], allow },
  pricePerGiB: 10n ** 18n,
  operatorSharePercent: 80,
  store,
  proxyStore,
  authorizeExit: authorizeRegisteredExit(stores.fleet, () => undefined),
  onEvent: (event) => say({ event }),
  ...(process.env['BENCH_DATA_IDLE'] === undefined ? {} : { dataConnections: { idle: Number(process.env['BENCH_DATA_IDLE']), max: 512 } }),
})
const portOf = (url: string | undefined): number => Number(new URL((url ?? '').replace(/^socks5h:/, 'http:')).port)
say({ ready: true, socksPort: portOf(gateway.socks5Url), httpPort: portOf(gateway.httpUrl), tunnelPort: gateway.tunnel.port, username: `customer-${buyer.id}`, password })

const commands = createInterface({ input: process.stdin })
commands.on('line', (line) => {
  if (line === 'rss') say({ rss: process.memoryUsage().rss })
  if (line === 'cpu') {
    const usage = process.cpuUsage()
    say({ cpu: usage.user + usage.system })
  }
})
commands.once('close', () => {
  void gateway.stop().then(() => stores.close()).then(() => process.exit(0))
})
