import { canonicalJson, commandSchema, heartbeatRequestSchema, heartbeatSchema, newCommandId, openEnvelope, publicKeyToString, randomBase32Id, signCommand } from '@meson/protocol'
import type { AccountId, Command, KeyPair, NodeId, PurgeArgs, SignedEnvelope } from '@meson/protocol'
import type { CoordinatorTicketKeys } from '../tickets/coordinator-ticket-keys.ts'
import { issueTicket } from '../tickets/issue-ticket.ts'
import type { TicketClaims } from '../tickets/issue-ticket.ts'
import type { CallNodeBack } from './node-callback.ts'
import type { FleetStore, StoredCommand } from './fleet-store.ts'
import { CommandOutbox } from './command-outbox.ts'
import type { FleetRefusal } from './fleet-refusal.ts'
import { refuse } from './fleet-refusal.ts'
import { FleetRegistry } from './fleet-registry.ts'
import type { LiveNode } from './fleet-registry.ts'
import { MAX_CLOCK_SKEW_MS, registerNode, registrationAnswer } from './register-node.ts'
import type { RegisterNodeInput } from './register-node.ts'
import { summarizePurge } from './summarize-purge.ts'
import type { PurgeSummary } from './summarize-purge.ts'

/** How long a purge command waits for a node that is away before it is dropped. */
export const PURGE_COMMAND_TTL_MS = 24 * 60 * 60_000
/** How often heartbeat times and status changes are written to the store. */
export const DEFAULT_FLUSH_INTERVAL_MS = 2_000

export interface FleetSettings {
  readonly minNodeVersion: string
  readonly allowSharedIp: boolean
  readonly heartbeatIntervalMs: number
  readonly nodeDownAfterMs: number
}

export interface FleetControlDependencies {
  readonly fleetStore: FleetStore
  readonly coordinatorKey: KeyPair
  /** The ticket key hierarchy (ADR 0016): issuing, and node keys delivered at registration. */
  readonly ticketKeys: CoordinatorTicketKeys
  readonly callNodeBack: CallNodeBack
  readonly settings: FleetSettings
  /** Current time, ms since the epoch; tests pass a fixed clock. */
  readonly now: () => number
  /** Called when a background write fails (it is retried on the next flush). */
  readonly onBackgroundError?: (error: unknown) => void
  /** Run the sweep and the batched writes on timers (default); tests drive `sweep()`/`flush()` themselves. */
  readonly runTimers?: boolean
  /** How often buffered writes go to the store. */
  readonly flushIntervalMs?: number
}

/**
 * The coordinator's fleet use cases: registration, heartbeats with up/down tracking,
 * signed commands with acknowledgements, and purges fanned out to live nodes. State is
 * in memory (the registry and the outbox); the fleet store gets batched writes and is
 * read at start, so a restart keeps registered nodes and unacknowledged commands.
 */
export class FleetControl {
  readonly registry = new FleetRegistry()
  readonly #outbox = new CommandOutbox()
  readonly #dependencies: FleetControlDependencies
  readonly #waiters = new Set<() => void>()
  #timers: NodeJS.Timeout[] = []
  #isStopped = false

  constructor(dependencies: FleetControlDependencies) {
    this.#dependencies = dependencies
  }

  /** The coordinator's public key, base64url (what nodes verify tickets and commands with). */
  get coordinatorPublicKey(): string {
    return publicKeyToString(this.#dependencies.coordinatorKey.publicKey)
  }

  /**
   * Encodes and tags a ticket (the redirector's issuer, ADR 0016). The keys stay private
   * to the fleet: callers get a token, never a key.
   */
  signTicket(claims: TicketClaims): string {
    return issueTicket(this.#dependencies.ticketKeys, claims)
  }

  get settings(): FleetSettings {
    return this.#dependencies.settings
  }

  /** Loads nodes and pending commands from the store, then starts the timers (unless `runTimers` is false). */
  async start(): Promise<void> {
    await this.#load()
    if (this.#dependencies.runTimers ?? true) this.#startTimers()
  }

  async #load(): Promise<void> {
    const { fleetStore, now } = this.#dependencies
    this.registry.load(await fleetStore.listFleetNodes(), now())
    for (const stored of await fleetStore.listPendingCommands(now())) {
      const parsed = commandSchema.safeParse(JSON.parse(stored.payload))
      if (parsed.success) this.#outbox.add(stored.nodeId, parsed.data, signCommand(this.#dependencies.coordinatorKey.privateKey, parsed.data))
    }
  }

  /** Starts the sweep (nodes down after silence) and the batched store writes. */
  #startTimers(): void {
    const sweepMs = Math.max(250, Math.min(1_000, Math.floor(this.settings.nodeDownAfterMs / 3)))
    const sweep = setInterval(() => this.sweep(), sweepMs)
    const flush = setInterval(() => {
      this.flush().catch((error: unknown) => this.#dependencies.onBackgroundError?.(error))
    }, this.#dependencies.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS)
    sweep.unref()
    flush.unref()
    this.#timers = [sweep, flush]
  }

  /** Stops the timers, releases long polls, and writes what is still buffered. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer)
    this.#timers = []
    this.#isStopped = true
    this.#notify()
    await this.flush()
  }

  /** Marks silent nodes down; returns their ids. */
  sweep(): NodeId[] {
    const downed = this.registry.sweep(this.#dependencies.now(), this.settings.nodeDownAfterMs)
    if (downed.length > 0) this.#notify()
    return downed
  }

  /** Writes buffered heartbeat times and status changes (one transaction each). */
  async flush(): Promise<void> {
    const statuses = this.registry.takeStatusChanges()
    const heartbeats = this.registry.takeHeartbeatTimes()
    try {
      await this.#dependencies.fleetStore.setNodeStatuses(statuses)
      await this.#dependencies.fleetStore.recordHeartbeats(heartbeats)
    } catch (error) {
      // Both writes are idempotent: put everything back for the next flush.
      this.registry.requeue(statuses, heartbeats)
      throw error
    }
  }

  /** `POST /v1/nodes/register`. */
  async register(input: Omit<RegisterNodeInput, 'nowMs'>): Promise<{ readonly ok: true; readonly answer: Record<string, unknown> } | FleetRefusal> {
    const dependencies = {
      ...this.settings,
      registry: this.registry,
      fleetStore: this.#dependencies.fleetStore,
      callNodeBack: this.#dependencies.callNodeBack,
      coordinatorKey: this.#dependencies.coordinatorKey,
      ticketKeys: this.#dependencies.ticketKeys,
    }
    const registered = await registerNode({ ...input, nowMs: this.#dependencies.now() }, dependencies)
    if (!registered.ok) return registered
    return { ok: true, answer: registrationAnswer(registered, dependencies) }
  }

  /**
   * `POST /v1/nodes/heartbeat`: verifies the heartbeat with the node's registered key,
   * records it (a node that was down comes back), applies the acknowledgements signed
   * inside it, and answers the pending commands. Status and acks are read from the
   * verified payload only; a body carrying them beside the envelope is refused (ADR 0008).
   */
  async heartbeat(body: unknown): Promise<{ readonly ok: true; readonly commands: SignedEnvelope[] } | FleetRefusal> {
    const nowMs = this.#dependencies.now()
    // `{ heartbeat }` or a bare envelope; anything beside the envelope makes it malformed.
    const request = heartbeatRequestSchema.safeParse(body)
    const envelope = request.success ? request.data.heartbeat : body
    const opened = openEnvelope('heartbeat', heartbeatSchema, (payload) => this.registry.verifyKeyOf(payload.nodeId), envelope)
    if (!opened.ok) {
      if (opened.reason === 'unknown-signer') return refuse('NODE_UNKNOWN', 'this node is not registered (or the coordinator forgot it); register again')
      if (opened.reason === 'bad-signature') return refuse('NODE_SIGNATURE_INVALID', "the heartbeat is not signed by the node's registered key")
      return refuse('NODE_REGISTRATION_INVALID', 'the body must be { heartbeat: <signed envelope> } with a valid heartbeat; status and acks go inside the signed heartbeat')
    }
    const heartbeat = opened.value
    if (Math.abs(heartbeat.timestamp - nowMs) > MAX_CLOCK_SKEW_MS) {
      return refuse('NODE_CLOCK_SKEW', "the heartbeat's timestamp is more than 5 minutes from the coordinator's clock; set the node's clock (NTP)")
    }
    const node = this.registry.get(heartbeat.nodeId)
    if (node?.status === 'down' && !this.settings.allowSharedIp) {
      const holder = this.registry.findOtherHolderOfIp(node.record.publicIp, node.record.id)
      if (holder !== undefined) return refuse('NODE_IP_IN_USE', `while this node was down, ${holder.record.id} registered from ${node.record.publicIp}; one node per public IP`)
    }
    const outcome = this.registry.applyHeartbeat(
      heartbeat.nodeId,
      {
        seq: heartbeat.seq,
        timestampMs: heartbeat.timestamp,
        isDraining: heartbeat.status === 'draining',
        stats: { load: heartbeat.load, freeDiskBytes: heartbeat.freeDiskBytes, servedBytes: heartbeat.servedBytes, cache: heartbeat.cache, inflight: heartbeat.inflight },
      },
      nowMs,
    )
    if (outcome.kind === 'unknown') return refuse('NODE_UNKNOWN', 'this node is not registered; register again')
    if (outcome.kind === 'replayed') return refuse('HEARTBEAT_REPLAYED', 'this heartbeat is not newer than the last one accepted (a replay)')
    const acks = new Set(heartbeat.acks ?? [])
    await this.#acknowledge(heartbeat.nodeId, acks, nowMs)
    if (outcome.previousStatus === 'down' || outcome.status === 'down') this.#notify()
    return { ok: true, commands: this.#outbox.pendingFor(heartbeat.nodeId, nowMs) }
  }

  /** Queues a signed command for one node (persisted first, so a restart keeps it). */
  async sendCommand(nodeId: NodeId, type: 'drain', args: { readonly reason?: string }, ttlMs = PURGE_COMMAND_TTL_MS): Promise<string> {
    const nowMs = this.#dependencies.now()
    const command: Command = { id: newCommandId(), type, nodeId, issuedAt: nowMs, expiresAt: nowMs + ttlMs, args: { ...args } }
    await this.#dependencies.fleetStore.saveCommands([toStored(command, nodeId, null)])
    this.#outbox.add(nodeId, command, signCommand(this.#dependencies.coordinatorKey.privateKey, command))
    return command.id
  }

  /** Queues a signed `config` command for one node (#13: the IPFS denylist travels this way). */
  async sendConfig(nodeId: NodeId, args: Record<string, string>, ttlMs = PURGE_COMMAND_TTL_MS): Promise<string> {
    const nowMs = this.#dependencies.now()
    const command: Command = { id: newCommandId(), type: 'config', nodeId, issuedAt: nowMs, expiresAt: nowMs + ttlMs, args: { ...args } }
    await this.#dependencies.fleetStore.saveCommands([toStored(command, nodeId, null)])
    this.#outbox.add(nodeId, command, signCommand(this.#dependencies.coordinatorKey.privateKey, command))
    return command.id
  }

  /**
   * Fans a purge out as one signed command per live CDN node (not down, reachable).
   * Nodes that are down now get nothing: their cache is purged by the expiry of what
   * they hold, and they are not counted as targets.
   */
  async purge(input: {
    readonly zoneName: string
    /** The zone's immutable id: nodes purge the cache namespace tickets with this id filled. */
    readonly zoneId?: string
    readonly accountId: AccountId
    readonly args: Omit<PurgeArgs, 'zone' | 'zoneId'>
  }): Promise<{ readonly purgeId: string; readonly nodes: number }> {
    const nowMs = this.#dependencies.now()
    const purgeId = randomBase32Id('prg')
    const targets = [...this.registry.list()].filter(isPurgeTarget)
    const commands = targets.map((node) => {
      const command: Command = {
        id: newCommandId(),
        type: 'purge',
        nodeId: node.record.id,
        issuedAt: nowMs,
        expiresAt: nowMs + PURGE_COMMAND_TTL_MS,
        args: { zone: input.zoneName, ...(input.zoneId === undefined ? {} : { zoneId: input.zoneId }), ...input.args },
      }
      return { nodeId: node.record.id, command }
    })
    await this.#dependencies.fleetStore.createPurge(
      { id: purgeId, zoneName: input.zoneName, accountId: input.accountId, createdAt: new Date(nowMs) },
      commands.map(({ nodeId, command }) => toStored(command, nodeId, purgeId)),
    )
    for (const { nodeId, command } of commands) this.#outbox.add(nodeId, command, signCommand(this.#dependencies.coordinatorKey.privateKey, command))
    return { purgeId, nodes: commands.length }
  }

  /**
   * The state of a purge of `accountId`, waiting up to `waitMs` for it to complete
   * (woken by acknowledgements and nodes going down). Undefined if there is no such
   * purge in that account.
   */
  async purgeStatus(purgeId: string, accountId: AccountId, waitMs = 0): Promise<PurgeSummary | undefined> {
    const deadline = this.#dependencies.now() + waitMs
    for (;;) {
      const purge = await this.#dependencies.fleetStore.getPurge(purgeId)
      if (purge?.accountId !== accountId) return undefined
      const summary = summarizePurge(purge, (nodeId) => this.registry.get(nodeId)?.status === 'down')
      const remainingMs = deadline - this.#dependencies.now()
      if (summary.status === 'complete' || remainingMs <= 0 || this.#isStopped) return summary
      await this.#waitForChange(remainingMs)
    }
  }

  /** Nodes for the nodes API: all, or one operator's. */
  listNodes(operatorId?: AccountId): LiveNode[] {
    return [...this.registry.list()].filter((node) => operatorId === undefined || node.record.operatorId === operatorId)
  }

  async #acknowledge(nodeId: NodeId, ids: Set<string>, nowMs: number): Promise<void> {
    if (ids.size === 0) return
    this.#outbox.acknowledge(nodeId, ids)
    // Written at once (not batched): acks are rare and a purge's status is read from the store.
    const changed = await this.#dependencies.fleetStore.acknowledgeCommands(nodeId, [...ids], new Date(nowMs))
    if (changed > 0) this.#notify()
  }

  #waitForChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#waiters.add(done)
    })
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }
}

function isPurgeTarget(node: LiveNode): boolean {
  return node.status !== 'down' && node.record.isReachable && node.record.capabilities.includes('cdn')
}

function toStored(command: Command, nodeId: NodeId, purgeId: string | null): StoredCommand {
  return { id: command.id, nodeId, purgeId, payload: canonicalJson(command), issuedAtMs: command.issuedAt, expiresAtMs: command.expiresAt, ackedAtMs: null }
}

