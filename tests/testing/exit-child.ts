/**
 * Test support (not a test): one proxy exit in its own process, so a test can kill the
 * node outright (SIGKILL) mid-stream. Env: EXIT_PRIVATE_KEY (PKCS#8 PEM), TUNNEL_PORT
 * (the gateway's, on 127.0.0.1), ALLOW_PORTS (comma-separated loopback ports it may
 * reach). Prints `connected` once its tunnel is up.
 */
import { importPrivateKeyPem, nodeIdFromPublicKey, rawPublicKeyOf } from '@meson/protocol'
import { ProxyTunnelClient } from '@meson/node/testing'

const imported = importPrivateKeyPem(process.env['EXIT_PRIVATE_KEY'] ?? '')
if (!imported.ok) throw new Error('EXIT_PRIVATE_KEY is not a PEM private key')
const privateKey = imported.value
const publicKey = rawPublicKeyOf(privateKey)
const allow = (process.env['ALLOW_PORTS'] ?? '').split(',').filter((port) => port !== '').map((port) => ({ address: '127.0.0.1', port: Number(port) }))
const client = new ProxyTunnelClient({
  gateway: { host: '127.0.0.1', port: Number(process.env['TUNNEL_PORT']) },
  identity: { nodeId: nodeIdFromPublicKey(publicKey), publicKey, privateKey },
  policy: { blockedPorts: [25, 465, 587], allow },
  onState: (state) => {
    if (state === 'connected') process.stdout.write('connected\n')
  },
})
client.start()
