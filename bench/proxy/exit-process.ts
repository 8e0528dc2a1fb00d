/**
 * bench/proxy child: one exit node in its own process — the node's HTTP/2 tunnel client
 * dialing the gateway. Reads its job from env:
 *   BENCH_EXIT_PRIVATE_KEY  the node key (PKCS#8 PEM);
 *   BENCH_TUNNEL_PORT       the gateway's tunnel port on 127.0.0.1;
 *   BENCH_ALLOW_PORTS       comma-separated loopback ports the exit may reach.
 * Writes `{connected: true}` once the tunnel is up; answers `rss` and `cpu` on stdin; exits when stdin closes.
 */
import { createInterface } from 'node:readline'
import { importPrivateKeyPem, nodeIdFromPublicKey, rawPublicKeyOf } from '@meson/protocol'
import { ProxyTunnelClient } from '@meson/node/testing'

const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`)
const imported = importPrivateKeyPem(process.env['BENCH_EXIT_PRIVATE_KEY'] ?? '')
if (!imported.ok) throw new Error('BENCH_EXIT_PRIVATE_KEY is not a PEM private key')
const privateKey = imported.value
const publicKey = rawPublicKeyOf(privateKey)
const allow = (process.env['BENCH_ALLOW_PORTS'] ?? '').split(',').filter((port) => port !== '').map((port) => ({ address: '127.0.0.1', port: Number(port) }))

const client = new ProxyTunnelClient({
  gateway: { host: '127.0.0.1', port: Number(process.env['BENCH_TUNNEL_PORT']) },
  identity: { nodeId: nodeIdFromPublicKey(publicKey), publicKey, privateKey },
  policy: { blockedPorts: [25, 465, 587], allow },
  onState: (state) => {
    if (state === 'connected') say({ connected: true })
  },
})
client.start()

const commands = createInterface({ input: process.stdin })
commands.on('line', (line) => {
  if (line === 'rss') say({ rss: process.memoryUsage().rss })
  if (line === 'cpu') {
    const usage = process.cpuUsage()
    say({ cpu: usage.user + usage.system })
  }
})
commands.once('close', () => {
  void client.stop().then(() => process.exit(0))
})
