import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'

export interface DemoNodesOptions {
  readonly count: number
  readonly coordinatorUrl: string
  readonly operatorToken: string
  readonly dataDir: string
  /** First node's port; 0 = free ports for all. */
  readonly firstPort: number
  readonly heartbeatIntervalMs: number
  /** Makes each node a proxy exit: the gateway's tunnel address and the exit allow-list (the demo's own origin). */
  readonly proxyExit?: { readonly gateway: string; readonly allow: string }
}

/** One edge node of the demo, running as its own `meson-net node` process. */
export interface DemoNode {
  readonly nodeId: string
  readonly url: string
  /** SIGTERM, then the node drains (flushes its usage) and exits; SIGKILL after a grace. */
  stop(): Promise<void>
}

const BIN = fileURLToPath(new URL('../../bin/meson-net.ts', import.meta.url))
const REGISTER_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 10_000
const LISTENING = /^meson-net node listening on (\S+) \(node (nd_[a-z2-7]+),/m
const REGISTERED = /^meson-net node registered with /m

type NodeProcess = ChildProcessByStdio<null, Readable, Readable>

/**
 * Starts `count` edge nodes in coordinator mode, each as its own `meson-net node`
 * process (its own event loop, as on an operator's machine: in one process the
 * coordinator's work would count as every node's load), and waits until each is
 * registered. A node that fails stops the others and its output is in the error.
 */
export async function startDemoNodes(options: DemoNodesOptions): Promise<readonly DemoNode[]> {
  const started = await Promise.allSettled(Array.from({ length: options.count }, (_, index) => startDemoNode(options, index)))
  const nodes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
  const failure = started.find((outcome) => outcome.status === 'rejected')
  if (failure !== undefined) {
    await Promise.allSettled(nodes.map((node) => node.stop()))
    throw failure.reason
  }
  return nodes
}

function startDemoNode(options: DemoNodesOptions, index: number): Promise<DemoNode> {
  const args = [
    BIN,
    'node',
    '--coordinator',
    options.coordinatorUrl,
    '--host',
    '127.0.0.1',
    '--port',
    String(options.firstPort === 0 ? 0 : options.firstPort + index),
    '--data-dir',
    join(options.dataDir, `node-${index + 1}`),
    '--cache-size',
    '256MiB',
    '--memory-cache',
    '32MiB',
    '--heartbeat-interval-ms',
    String(options.heartbeatIntervalMs),
    '--usage-flush-interval-ms',
    '2000',
    ...(options.proxyExit === undefined ? [] : ['--proxy-gateway', options.proxyExit.gateway, '--exit-allow', options.proxyExit.allow]),
  ]
  // The token travels in the environment, not argv, so `ps` does not show it.
  const child: NodeProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', MESON_NODE_TOKEN: options.operatorToken },
  })
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_192)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }

  return new Promise<DemoNode>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(deadline)
      child.stdout.off('data', onData)
      void stop().then(() => reject(new Error(`demo node ${index + 1} ${why}:\n${output}`)))
    }
    const deadline = setTimeout(() => fail(`did not register within ${REGISTER_TIMEOUT_MS / 1000} s`), REGISTER_TIMEOUT_MS)
    const onData = (): void => {
      const listening = LISTENING.exec(output)
      if (listening === null || !REGISTERED.test(output)) return
      clearTimeout(deadline)
      child.stdout.off('data', onData)
      child.off('exit', onExit)
      resolve({ url: listening[1] ?? '', nodeId: listening[2] ?? '', stop })
    }
    const onExit = (code: number | null): void => fail(`exited with code ${String(code)} before it registered`)
    child.stdout.on('data', onData)
    child.once('exit', onExit)
  })
}
