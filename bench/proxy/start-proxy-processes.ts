import { join } from 'node:path'
import { exportPrivateKeyPem, generateKeyPair, publicKeyToString } from '@meson/protocol'
import { spawnBenchChild } from './bench-child.ts'
import type { BenchChild } from './bench-child.ts'

/** A gateway process and an exit process joined by one tunnel, ready for SOCKS5 clients. */
export interface ProxyProcesses {
  readonly gateway: BenchChild
  readonly exit: BenchChild
  readonly socksPort: number
  readonly username: string
  readonly password: string
  stop(): Promise<void>
}

/**
 * Starts the gateway and the exit from the bench scripts in `benchDir` (this tree's, or a
 * baseline tree's for a same-run before/after); `allowPorts` are the loopback targets;
 * `gatewayEnv` is added to the gateway's environment (e.g. BENCH_DATA_IDLE).
 */
export async function startProxyProcesses(benchDir: string, allowPorts: readonly number[], gatewayEnv: Readonly<Record<string, string>> = {}): Promise<ProxyProcesses> {
  const exitKey = generateKeyPair()
  const allow = allowPorts.join(',')
  const gateway = spawnBenchChild(join(benchDir, 'gateway-process.ts'), { BENCH_EXIT_PUBLIC_KEY: publicKeyToString(exitKey.publicKey), BENCH_ALLOW_PORTS: allow, ...gatewayEnv })
  const ready = await gateway.waitFor('ready')
  const exit = spawnBenchChild(join(benchDir, 'exit-process.ts'), { BENCH_EXIT_PRIVATE_KEY: exportPrivateKeyPem(exitKey.privateKey), BENCH_TUNNEL_PORT: String(ready['tunnelPort']), BENCH_ALLOW_PORTS: allow })
  await gateway.waitFor('event')
  return {
    gateway,
    exit,
    socksPort: Number(ready['socksPort']),
    username: String(ready['username']),
    password: String(ready['password']),
    async stop() {
      await Promise.all([exit.stop(), gateway.stop()])
    },
  }
}
