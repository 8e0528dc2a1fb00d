import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { BaseError } from '@meson/protocol'
import type { FleetNode } from '../../routing/fleet-node.ts'
import type { ZoneDirectory } from '../../routing/zone-directory.ts'
import type { CountRedirect } from '../http/routes/routing/redirect-metrics.ts'
import { isWorkerMessage } from './redirect-worker-messages.ts'
import type { FleetDelta, SnapshotUpdate, WorkerInit } from './redirect-worker-messages.ts'
import type { ObjectBudgetChange } from '../../metering/object-budgets.ts'

const WORKER_ENTRY = fileURLToPath(new URL('./redirect-worker-main.ts', import.meta.url))
/** How often zones and object budgets are checked (an identity check and a list): a zone change reaches workers within this. */
const DEFAULT_PUSH_INTERVAL_MS = 50
/** As `FleetViewSource`: the workers follow the fleet at most four times a second (each rebuilds its view, O(nodes)). */
const DEFAULT_FLEET_INTERVAL_MS = 250
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 5_000

export class RedirectWorkerError extends BaseError {
  override readonly name = 'RedirectWorkerError'
  constructor(message: string) {
    super('REDIRECT_WORKER', message)
  }
}

/** How the workers listen and decide: the part of each worker's `WorkerInit` the pool is given. A port of 0 picks a free port, held by the pool until every worker listens on it. */
export interface RedirectWorkerPoolOptions extends Pick<WorkerInit, 'host' | 'port' | 'rawConnections' | 'headersTimeoutMs' | 'settings' | 'ticketKeys'> {
  readonly count: number
  /** The registry's change counter and its eligible nodes (`toFleetNodes`). */
  readonly fleetVersion: () => number
  readonly fleetNodes: () => FleetNode[]
  readonly zones: () => ZoneDirectory
  /** Metering's object budgets: their entries, and each later change in order. */
  readonly budgets: { entries(): [string, string, bigint][]; observe(observer: (change: ObjectBudgetChange) => void): () => void; readonly capacity: number }
  readonly countRedirect: CountRedirect
  readonly onWorkerExit: (detail: { readonly pid: number | undefined; readonly code: number | null; readonly signal: string | null }) => void
  readonly pushIntervalMs?: number
  readonly fleetIntervalMs?: number
  /** Monotonic ms for the fleet throttle (default `performance.now`). */
  readonly monotonicNow?: () => number
}

interface Worker {
  readonly child: ChildProcess
  ackedSeq: number
  isReady: boolean
}

/**
 * The primary's side of the redirect workers (ADR 0016, fifth session): forks `count`
 * workers that share one port with `SO_REUSEPORT`, sends each the settings, ticket master
 * keys and a full snapshot, then pushes what changed: zones and object budgets within
 * `pushIntervalMs` (50 ms), the fleet as a delta at most every `fleetIntervalMs` (250 ms, as
 * the primary's own view), and everything at once on `sync()`. A worker that exits unexpectedly is replaced
 * (the others keep serving the port meanwhile). Their redirect counts go to `countRedirect`.
 */
export class RedirectWorkerPool {
  readonly #options: RedirectWorkerPoolOptions
  readonly #workers = new Set<Worker>()
  readonly #waiters: { readonly seq: number; readonly resolve: () => void }[] = []
  #port: number
  #seq = 0
  #fleetVersion = -1
  #fleetPushedAtMs = Number.NEGATIVE_INFINITY
  /** The eligible nodes as last sent, by id: what the next delta is computed against. */
  readonly #sentNodes = new Map<string, FleetNode>()
  #zones: ZoneDirectory | undefined
  #pendingBudgets: ObjectBudgetChange[] = []
  #timer: NodeJS.Timeout | undefined
  #stopObserving: (() => void) | undefined
  #closing = false

  private constructor(options: RedirectWorkerPoolOptions, port: number) {
    this.#options = options
    this.#port = port
  }

  /** Starts the workers; resolves once every one listens with the current snapshot. */
  static async start(options: RedirectWorkerPoolOptions): Promise<RedirectWorkerPool> {
    // Port 0: take a free port with SO_REUSEPORT and hold it until the workers have it.
    const holder = options.port === 0 ? await holdFreePort(options.host) : undefined
    const pool = new RedirectWorkerPool(options, holder?.port ?? options.port)
    try {
      pool.#stopObserving = options.budgets.observe((change) => pool.#pendingBudgets.push(change))
      await Promise.all(Array.from({ length: options.count }, () => pool.#fork()))
    } catch (error) {
      await pool.close()
      throw error
    } finally {
      holder?.server.close()
    }
    pool.#timer = setInterval(() => pool.#push(), options.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS)
    pool.#timer.unref()
    return pool
  }

  get port(): number {
    return this.#port
  }

  /** Worker process ids (for tests and the bench). */
  get pids(): number[] {
    return [...this.#workers].flatMap((worker) => (worker.child.pid === undefined ? [] : [worker.child.pid]))
  }

  /** Pushes what changed now (the fleet too, whatever its throttle), and resolves once every running worker applied it. */
  sync(): Promise<void> {
    this.#push(true)
    const seq = this.#seq
    if ([...this.#workers].every((worker) => worker.ackedSeq >= seq)) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }))
  }

  async close(): Promise<void> {
    this.#closing = true
    clearInterval(this.#timer)
    this.#stopObserving?.()
    await Promise.all([...this.#workers].map((worker) => stopWorker(worker.child)))
    this.#workers.clear()
    for (const waiter of this.#waiters.splice(0)) waiter.resolve()
  }

  /** The whole state as of the last push, as a newly started worker needs it. */
  #fullSnapshot(): SnapshotUpdate {
    return { seq: this.#seq, fleet: { upserts: [...this.#sentNodes.values()], removals: [] }, zones: this.#zones?.entries() ?? [], budgets: this.#options.budgets.entries() }
  }

  /** The nodes added or changed since the last push, and those gone; the sent state follows. */
  #fleetDelta(): FleetDelta {
    const upserts: FleetNode[] = []
    const seen = new Set<string>()
    for (const node of this.#options.fleetNodes()) {
      seen.add(node.nodeId)
      const sent = this.#sentNodes.get(node.nodeId)
      if (sent !== undefined && isSameNode(sent, node)) continue
      upserts.push(node)
      this.#sentNodes.set(node.nodeId, node)
    }
    const removals: string[] = []
    for (const nodeId of this.#sentNodes.keys()) if (!seen.has(nodeId)) removals.push(nodeId)
    for (const nodeId of removals) this.#sentNodes.delete(nodeId)
    return { upserts, removals }
  }

  #push(isFleetDue = false): void {
    if (this.#closing) return
    const options = this.#options
    const nowMs = (options.monotonicNow ?? performance.now.bind(performance))()
    const version = options.fleetVersion()
    const zones = options.zones()
    const isFleetChanged = version !== this.#fleetVersion && (isFleetDue || nowMs - this.#fleetPushedAtMs >= (options.fleetIntervalMs ?? DEFAULT_FLEET_INTERVAL_MS))
    const isZonesChanged = zones !== this.#zones
    if (!isFleetChanged && !isZonesChanged && this.#pendingBudgets.length === 0) return
    if (isFleetChanged) {
      this.#fleetVersion = version
      this.#fleetPushedAtMs = nowMs
    }
    this.#zones = zones
    const fleet = isFleetChanged ? this.#fleetDelta() : undefined
    const isFleetMoved = fleet !== undefined && (fleet.upserts.length > 0 || fleet.removals.length > 0)
    if (!isFleetMoved && !isZonesChanged && this.#pendingBudgets.length === 0) return
    const update: SnapshotUpdate = {
      seq: ++this.#seq,
      ...(isFleetMoved ? { fleet } : {}),
      ...(isZonesChanged ? { zones: zones.entries() } : {}),
      ...(this.#pendingBudgets.length === 0 ? {} : { budgets: this.#pendingBudgets }),
    }
    this.#pendingBudgets = []
    for (const worker of this.#workers) if (worker.child.connected) worker.child.send({ type: 'update', update })
  }

  #fork(): Promise<void> {
    const options = this.#options
    // A worker forked while changes are pending starts from the state they make; the others get them via this push.
    this.#push(true)
    const init: WorkerInit = {
      host: options.host,
      port: this.#port,
      rawConnections: options.rawConnections,
      headersTimeoutMs: options.headersTimeoutMs,
      settings: options.settings,
      ticketKeys: options.ticketKeys,
      budgetCapacity: options.budgets.capacity,
      snapshot: this.#fullSnapshot(),
    }
    const child = fork(WORKER_ENTRY, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const worker: Worker = { child, ackedSeq: -1, isReady: false }
    // From now on it gets every update (it applies them after its start, in order).
    this.#workers.add(worker)
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new RedirectWorkerError(`a redirect worker did not listen on port ${String(this.#port)} within ${String(START_TIMEOUT_MS)} ms`))
      }, START_TIMEOUT_MS)
      child.on('message', (message: unknown) => {
        if (!isWorkerMessage(message)) return
        switch (message.type) {
          case 'ready':
            clearTimeout(timeout)
            worker.ackedSeq = Math.max(worker.ackedSeq, message.seq)
            worker.isReady = true
            this.#settleWaiters()
            resolve()
            return
          case 'ack':
            worker.ackedSeq = Math.max(worker.ackedSeq, message.seq)
            this.#settleWaiters()
            return
          case 'counts':
            for (const [method, status, count] of message.counts) options.countRedirect(method, status, count)
            return
          case 'failed':
            clearTimeout(timeout)
            reject(new RedirectWorkerError(`a redirect worker failed to start: ${message.message}`))
            return
        }
      })
      // A failed spawn, or a send to a worker that is exiting: its 'exit' (if any) does the rest.
      child.on('error', (error) => {
        clearTimeout(timeout)
        reject(new RedirectWorkerError(`a redirect worker failed: ${error.message}`))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timeout)
        this.#workers.delete(worker)
        const wasServing = worker.isReady
        this.#settleWaiters()
        reject(new RedirectWorkerError(`a redirect worker exited (code ${String(code)}) before it listened`))
        if (!wasServing || this.#closing) return
        options.onWorkerExit({ pid: child.pid, code, signal })
        // The other workers keep the port served; this one is replaced with the current state.
        setTimeout(() => {
          if (!this.#closing) this.#fork().catch((error: unknown) => options.onWorkerExit({ pid: undefined, code: null, signal: String(error) }))
        }, 200).unref()
      })
      child.send({ type: 'init', init })
    })
  }

  #settleWaiters(): void {
    for (let index = this.#waiters.length - 1; index >= 0; index--) {
      const waiter = this.#waiters[index]
      if (waiter !== undefined && [...this.#workers].every((worker) => worker.ackedSeq >= waiter.seq)) {
        this.#waiters.splice(index, 1)
        waiter.resolve()
      }
    }
  }
}

function isSameNode(a: FleetNode, b: FleetNode): boolean {
  return a.publicUrl === b.publicUrl && a.country === b.country && a.continent === b.continent && a.load === b.load && a.healthy === b.healthy && a.weight === b.weight
}

async function holdFreePort(host: string): Promise<{ readonly server: import('node:net').Server; readonly port: number }> {
  const server = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: 0, host, reusePort: true }, resolve)
  })
  return { server, port: (server.address() as AddressInfo).port }
}

function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    if (child.connected) child.send({ type: 'stop' })
    else child.kill('SIGTERM')
  })
}
