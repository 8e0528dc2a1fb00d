import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
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
  /** A node process died on its own, or was started again after that. */
  readonly onEvent?: (event: DemoNodeEvent) => void
}

/** What the demo reports about a node process it did not stop itself. */
export interface DemoNodeEvent {
  /** 1-based, as printed ("node 2"). */
  readonly index: number
  readonly kind: 'died' | 'restarted' | 'gave-up'
  /** How it ended, e.g. "signal SIGKILL" or "code 1". */
  readonly exit: string
  readonly message: string
}

/** One edge node of the demo, running as its own `meson-net node` process. */
export interface DemoNode {
  readonly nodeId: string
  readonly url: string
  /** The pid of the current process (a restart changes it). */
  pid(): number | undefined
  /** SIGTERM, then the node drains (flushes its usage) and exits; SIGKILL after a grace. */
  stop(): Promise<void>
}

const BIN = fileURLToPath(new URL('../../bin/meson-net.ts', import.meta.url))
const REGISTER_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 10_000
/** A node that dies this many times in a row without staying up a minute is left down. */
const MAX_QUICK_RESTARTS = 5
const STABLE_AFTER_MS = 60_000
/** The pause before trying again a restart that failed; it doubles each time. */
const FIRST_RETRY_PAUSE_MS = 1_000
const LISTENING = /^meson-net node listening on (\S+) \(node (nd_[a-z2-7]+),/m
const REGISTERED = /^meson-net node registered with /m

type NodeProcess = ChildProcessByStdio<null, Readable, Readable>

/**
 * Starts `count` edge nodes in coordinator mode, each as its own `meson-net node`
 * process (its own event loop, as on an operator's machine: in one process the
 * coordinator's work would count as every node's load), and waits until each is
 * registered. A node that fails stops the others and its output is in the error. A
 * node that dies later is reported (`onEvent`) and started again on the same port and
 * data dir (so with the same node id), up to a few quick restarts in a row.
 */
export async function startDemoNodes(options: DemoNodesOptions): Promise<readonly DemoNode[]> {
  const started = await Promise.allSettled(Array.from({ length: options.count }, (_, index) => startSupervisedNode(options, index)))
  const nodes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
  const failure = started.find((outcome) => outcome.status === 'rejected')
  if (failure !== undefined) {
    await Promise.allSettled(nodes.map((node) => node.stop()))
    throw failure.reason
  }
  return nodes
}

interface NodeRun {
  readonly child: NodeProcess
  readonly url: string
  readonly nodeId: string
  readonly exited: Promise<string>
  stop(): Promise<void>
}

async function startSupervisedNode(options: DemoNodesOptions, index: number): Promise<DemoNode> {
  let run = await startNodeProcess(options, index, options.firstPort === 0 ? 0 : options.firstPort + index)
  // Restarts reuse the first run's port, so the registered URL stays the same.
  const port = Number(new URL(run.url).port)
  let isStopping = false
  const wasStopped = (): boolean => isStopping
  let quickRestarts = 0
  const report = (kind: DemoNodeEvent['kind'], exit: string, message: string): void => {
    options.onEvent?.({ index: index + 1, kind, exit, message })
  }
  const supervise = (current: NodeRun): void => {
    const startedAt = Date.now()
    void current.exited.then(async (exit) => {
      if (isStopping) return
      report('died', exit, `demo node ${String(index + 1)} (${current.nodeId}) exited (${exit}); restarting it`)
      quickRestarts = Date.now() - startedAt > STABLE_AFTER_MS ? 1 : quickRestarts + 1
      // A start that fails (say it did not register in time on a busy machine) counts as
      // one more quick death and is tried again after a pause that doubles each time.
      for (let pauseMs = FIRST_RETRY_PAUSE_MS; ; pauseMs *= 2) {
        if (quickRestarts > MAX_QUICK_RESTARTS) {
          report('gave-up', exit, `demo node ${String(index + 1)} died ${String(MAX_QUICK_RESTARTS)} times in a row; leaving it down`)
          return
        }
        try {
          run = await startNodeProcess(options, index, port)
        } catch (error) {
          if (wasStopped()) return
          const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
          report('died', 'start failed', `demo node ${String(index + 1)} could not be restarted (${why}); trying again in ${String(pauseMs / 1000)} s`)
          quickRestarts += 1
          await sleep(pauseMs)
          if (wasStopped()) return
          continue
        }
        // stop() may have run while the new process started.
        if (wasStopped()) {
          await run.stop()
          return
        }
        report('restarted', exit, `demo node ${String(index + 1)} is back on ${run.url}`)
        supervise(run)
        return
      }
    })
  }
  supervise(run)
  return {
    nodeId: run.nodeId,
    url: run.url,
    pid: () => run.child.pid,
    stop: async () => {
      isStopping = true
      await run.stop()
    },
  }
}

function startNodeProcess(options: DemoNodesOptions, index: number, port: number): Promise<NodeRun> {
  const args = [
    BIN,
    'node',
    '--coordinator',
    options.coordinatorUrl,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
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
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal === null ? `code ${String(code)}` : `signal ${signal}`)))

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }

  return new Promise<NodeRun>((resolve, reject) => {
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
      // Keep draining the pipes: a full pipe would block the node's writes.
      resolve({ child, url: listening[1] ?? '', nodeId: listening[2] ?? '', exited, stop })
    }
    const onExit = (code: number | null): void => fail(`exited with code ${String(code)} before it registered`)
    child.stdout.on('data', onData)
    child.once('exit', onExit)
  })
}
