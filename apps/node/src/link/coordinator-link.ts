import { EventEmitter } from 'node:events'
import { z } from 'zod'
import { BaseError, NODE_API_ERROR_CODES, publicKeyFromString, publicKeyStringSchema, publicKeyToString, registrationSchema, signEnvelope, decodeBase64Url, nodeTicketKeysSchema, openEnvelope } from '@meson/protocol'
import type { Command, NodeCapability, NodeId, Registration, ReplayGuard } from '@meson/protocol'
import type { NodeIdentity } from '../identity/node-identity.ts'
import type { CoordinatorKeyHolder } from '../cdn/tickets/coordinator-key-holder.ts'
import type { NodeTicketKeyHolder } from '../cdn/tickets/node-ticket-key-holder.ts'
import { backoffDelayMs, DEFAULT_BACKOFF_POLICY } from './backoff-delay.ts'
import type { BackoffPolicy } from './backoff-delay.ts'
import { CommandInbox } from './command-inbox.ts'
import type { CommandHandler, CommandReceipt } from './command-inbox.ts'
import { coordinatorEndpointUrl } from './coordinator-endpoints.ts'
import { coordinatorErrorOf, isTransientStatus, requestCoordinator } from './coordinator-http.ts'
import type { CoordinatorReply } from './coordinator-http.ts'
import { CoordinatorKeyMismatchError } from './coordinator-key-mismatch-error.ts'
import { CoordinatorRefusedError } from './coordinator-refused-error.ts'
import { buildHeartbeatBody, heartbeatAnswerSchema } from './heartbeat-exchange.ts'
import type { NodeStats, HeartbeatStatus } from './heartbeat-exchange.ts'
import { systemClock, systemTimers } from './link-runtime.ts'
import { silentLogger } from '../cdn/engine/logger.ts'
import type { Clock, FetchFunction, LinkLogger, RandomSource, TimerHandle, Timers } from './link-runtime.ts'

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000
export const MIN_HEARTBEAT_INTERVAL_MS = 1000

/** Where the link is: see README.md for the transitions. */
export type CoordinatorLinkState = 'registering' | 'registered' | 'reconnecting' | 'draining' | 'stopped'
/** The request that failed. */
export type LinkStep = 'coordinator-key' | 'register' | 'heartbeat'

export interface CoordinatorLinkEvents {
  state: [state: CoordinatorLinkState]
  registered: [info: { readonly nodeId: NodeId }]
  heartbeat: [info: { readonly seq: number; readonly status: HeartbeatStatus; readonly acks: readonly string[] }]
  'connection-failed': [info: { readonly step: LinkStep; readonly reason: string; readonly attempt: number; readonly retryInMs: number }]
  refused: [error: CoordinatorRefusedError | CoordinatorKeyMismatchError]
  'coordinator-key': [info: { readonly generation: number; readonly changed: boolean }]
  command: [receipt: CommandReceipt]
  'command-settled': [info: { readonly command: Command; readonly error: unknown }]
}

/** What the node declares about itself when it registers (DESIGN.md §4.2). */
export interface NodeDeclaration {
  readonly publicUrl: string
  readonly version: string
  readonly diskQuotaBytes: bigint
  readonly declaredUplinkMbps: number
  readonly capabilities: readonly NodeCapability[]
}

export interface CoordinatorLinkOptions {
  readonly coordinatorUrl: URL
  readonly identity: NodeIdentity
  readonly node: NodeDeclaration
  /** The operator's API token, sent on registration only; never logged. */
  readonly operatorToken?: string
  readonly heartbeatIntervalMs?: number
  readonly requestTimeoutMs?: number
  readonly backoff?: BackoffPolicy
  /** Production pin: refuse a coordinator whose key differs. */
  readonly pinnedCoordinatorKey?: Uint8Array
}

export interface CoordinatorLinkDependencies {
  /** Shared with the TicketVerifier; the link installs the fetched key in it. */
  readonly keyHolder: CoordinatorKeyHolder
  /** Shared with the TicketVerifier; the link installs the node's ticket keys from each registration (ADR 0016). */
  readonly ticketKeys: NodeTicketKeyHolder
  readonly statsProvider: () => NodeStats | Promise<NodeStats>
  readonly commandHandler: CommandHandler
  readonly fetch?: FetchFunction
  readonly clock?: Clock
  readonly timers?: Timers
  readonly random?: RandomSource
  readonly logger?: LinkLogger
  readonly replayGuard?: ReplayGuard
}

const coordinatorKeyAnswerSchema = z.object({ publicKey: publicKeyStringSchema })

/**
 * The node's side of its link to the coordinator (DESIGN.md §3–4): fetches the
 * coordinator key, registers, heartbeats every `heartbeatIntervalMs`, reconnects with
 * capped jittered backoff, re-registers when the coordinator no longer knows the node,
 * and runs the signed commands that come back in heartbeat answers.
 */
export class CoordinatorLink extends EventEmitter<CoordinatorLinkEvents> {
  readonly #options: CoordinatorLinkOptions
  readonly #keyHolder: CoordinatorKeyHolder
  readonly #ticketKeys: NodeTicketKeyHolder
  readonly #statsProvider: () => NodeStats | Promise<NodeStats>
  readonly #fetch: FetchFunction
  readonly #clock: Clock
  readonly #timers: Timers
  readonly #random: RandomSource
  readonly #logger: LinkLogger
  readonly #inbox: CommandInbox
  readonly #heartbeatIntervalMs: number
  #state: CoordinatorLinkState = 'stopped'
  #started = false
  #phase: 'register' | 'heartbeat' = 'register'
  #attempt = 0
  #seq = 0
  #timer: TimerHandle | undefined
  #inflight: Promise<void> = Promise.resolve()
  #startWaiter: PromiseWithResolvers<undefined> | undefined

  constructor(options: CoordinatorLinkOptions, dependencies: CoordinatorLinkDependencies) {
    super()
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS
    if (!Number.isInteger(heartbeatIntervalMs) || heartbeatIntervalMs < MIN_HEARTBEAT_INTERVAL_MS) {
      throw new BaseError('INVALID_HEARTBEAT_INTERVAL', `The heartbeat interval must be a whole number of ms, at least ${MIN_HEARTBEAT_INTERVAL_MS}.`)
    }
    this.#options = options
    this.#heartbeatIntervalMs = heartbeatIntervalMs
    this.#keyHolder = dependencies.keyHolder
    this.#ticketKeys = dependencies.ticketKeys
    this.#statsProvider = dependencies.statsProvider
    this.#fetch = dependencies.fetch ?? ((url, init) => fetch(url, init))
    this.#clock = dependencies.clock ?? systemClock
    this.#timers = dependencies.timers ?? systemTimers
    this.#random = dependencies.random ?? Math.random
    this.#logger = dependencies.logger ?? silentLogger
    this.#inbox = new CommandInbox({
      handler: dependencies.commandHandler,
      ...(dependencies.replayGuard === undefined ? {} : { replayGuard: dependencies.replayGuard }),
      onSettled: (command, error) => {
        if (error !== undefined) this.#logger.error({ commandId: command.id, type: command.type, err: describeError(error) }, 'command failed; not acknowledged')
        this.emit('command-settled', { command, error })
      },
    })
  }

  get state(): CoordinatorLinkState {
    return this.#state
  }

  /**
   * Starts the link. Resolves once the node is registered (retrying while the
   * coordinator is unreachable); rejects with CoordinatorRefusedError (or
   * CoordinatorKeyMismatchError) if the coordinator refuses it, or if stopped first.
   */
  start(): Promise<void> {
    if (this.#started) throw new BaseError('COORDINATOR_LINK_STARTED', 'The coordinator link was already started.')
    this.#started = true
    // Fail fast on a declaration the coordinator would refuse anyway (bad URL, version …).
    const checked = registrationSchema.safeParse(signEnvelope('registration', this.#options.identity.privateKey, this.#registration()).payload)
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
      return Promise.reject(new BaseError('INVALID_REGISTRATION', `This node's registration is invalid: ${issues}.`))
    }
    this.#startWaiter = Promise.withResolvers<undefined>()
    this.#setState('registering')
    this.#runStep()
    return this.#startWaiter.promise
  }

  /**
   * Stops the link (no more requests) and waits for a request in flight. With
   * `{ drain: true }` it first sends one last heartbeat with status `draining` (DESIGN.md
   * §4.6), so the coordinator routes no new work here; `drainAcknowledged` says whether
   * the coordinator took it (a failure is logged, never thrown: shutdown goes on). The
   * link's one lifecycle is `start()`/`stop()`; draining is how it stops, not a third verb.
   * A second call is a no-op.
   */
  async stop(options: { readonly drain?: boolean } = {}): Promise<{ readonly drainAcknowledged: boolean }> {
    const drainAcknowledged = options.drain === true ? await this.#drain() : false
    this.#cancelTimer()
    if (this.#state !== 'stopped') this.#setState('stopped')
    this.#rejectStart()
    await this.#inflight
    return { drainAcknowledged }
  }

  async #drain(): Promise<boolean> {
    if (this.#state === 'stopped' || this.#state === 'draining') return false
    const wasRegistered = this.#phase === 'heartbeat'
    this.#cancelTimer()
    this.#setState('draining')
    this.#rejectStart()
    await this.#inflight
    if (!wasRegistered) return false
    try {
      const { reply, acks, seq } = await this.#sendHeartbeat('draining')
      const acknowledged = reply.kind === 'response' && isSuccess(reply.status)
      if (acknowledged) {
        this.#inbox.confirmAcks(acks)
        this.emit('heartbeat', { seq, status: 'draining', acks })
      } else this.#logger.warn({ reason: describeReply(reply) }, 'the coordinator did not acknowledge the draining heartbeat')
      return acknowledged
    } catch (error) {
      this.#logger.warn({ err: describeError(error) }, 'could not send the draining heartbeat')
      return false
    }
  }

  #isActive(): boolean {
    return this.#state === 'registering' || this.#state === 'registered' || this.#state === 'reconnecting'
  }

  #runStep(): void {
    this.#timer = undefined
    const step = this.#phase === 'register' ? this.#register() : this.#heartbeat()
    this.#inflight = step.catch((error: unknown) => {
      // Unexpected (a stats provider that threw, a listener that threw): retry like a failure.
      if (this.#isActive()) this.#retryLater(this.#phase === 'register' ? 'register' : 'heartbeat', describeError(error))
    })
  }

  async #register(): Promise<void> {
    const keyReply = await requestCoordinator(this.#fetch, { method: 'GET', url: this.#url('coordinatorKey'), ...this.#timeout() })
    if (!this.#isActive()) return
    if (!this.#installCoordinatorKey(keyReply)) return
    const envelope = signEnvelope('registration', this.#options.identity.privateKey, this.#registration())
    const reply = await requestCoordinator(this.#fetch, {
      method: 'POST',
      url: this.#url('register'),
      body: envelope,
      ...this.#timeout(),
      ...(this.#options.operatorToken === undefined ? {} : { bearerToken: this.#options.operatorToken }),
    })
    if (!this.#isActive()) return
    if (reply.kind === 'unreachable' || isTransientStatus(reply.status)) {
      this.#retryLater('register', describeReply(reply))
      return
    }
    if (!isSuccess(reply.status)) {
      const error = coordinatorErrorOf(reply.body)
      this.#refuse(new CoordinatorRefusedError(reply.status, error?.code ?? `HTTP_${reply.status}`, error?.message ?? 'no reason given'))
      return
    }
    if (!this.#installTicketKeys(reply.body)) {
      this.#retryLater('register', 'the registration answer carries no ticket keys signed by the coordinator for this node')
      return
    }
    this.#attempt = 0
    this.#phase = 'heartbeat'
    this.#setState('registered')
    this.#logger.info({ nodeId: this.#options.identity.nodeId }, 'registered with the coordinator')
    this.emit('registered', { nodeId: this.#options.identity.nodeId })
    this.#startWaiter?.resolve(undefined)
    this.#startWaiter = undefined
    this.#schedule(this.#heartbeatIntervalMs)
  }

  /**
   * Installs the node's ticket keys from a registration answer: a 'ticket-keys' envelope
   * signed by the coordinator key just fetched, for this node id. False if absent or
   * invalid (the keys in use stay). The keys are secret: never logged.
   */
  #installTicketKeys(body: unknown): boolean {
    const key = this.#keyHolder.current?.key
    const field = typeof body === 'object' && body !== null && 'ticketKeys' in body ? body.ticketKeys : undefined
    if (key === undefined || field === undefined) return false
    const opened = openEnvelope('ticket-keys', nodeTicketKeysSchema, key, field)
    if (!opened.ok || opened.value.nodeId !== this.#options.identity.nodeId) return false
    const keys = opened.value.keys.map((wire) => ({ kid: wire.kid, key: decodeBase64Url(wire.key) ?? new Uint8Array() }))
    const changed = this.#ticketKeys.replace(keys)
    if (changed) this.#logger.info({ kids: keys.map((entry) => entry.kid) }, 'installed the ticket keys from the coordinator')
    return true
  }

  /** Installs the fetched coordinator key; false if the step ended (retry or refusal). */
  #installCoordinatorKey(reply: CoordinatorReply): boolean {
    if (reply.kind === 'unreachable' || isTransientStatus(reply.status)) {
      this.#retryLater('coordinator-key', describeReply(reply))
      return false
    }
    const answer = coordinatorKeyAnswerSchema.safeParse(reply.body)
    const raw = answer.success ? publicKeyFromString(answer.data.publicKey) : undefined
    if (!isSuccess(reply.status) || raw?.ok !== true) {
      const error = coordinatorErrorOf(reply.body)
      this.#refuse(new CoordinatorRefusedError(reply.status, error?.code ?? 'INVALID_COORDINATOR_KEY', error?.message ?? 'the coordinator key endpoint gave no usable key'))
      return false
    }
    const pinned = this.#options.pinnedCoordinatorKey
    if (pinned !== undefined && publicKeyToString(pinned) !== publicKeyToString(raw.value)) {
      this.#refuse(new CoordinatorKeyMismatchError())
      return false
    }
    const replaced = this.#keyHolder.replace(raw.value)
    const generation = this.#keyHolder.current?.generation ?? 0
    const changed = replaced.ok && replaced.value.changed
    if (changed && generation > 1) this.#logger.info({ generation }, 'the coordinator key changed; using the new one')
    this.emit('coordinator-key', { generation, changed })
    return true
  }

  async #heartbeat(): Promise<void> {
    const { reply, acks, seq } = await this.#sendHeartbeat('active')
    if (!this.#isActive()) return
    if (reply.kind === 'unreachable' || isTransientStatus(reply.status)) {
      this.#retryLater('heartbeat', describeReply(reply))
      return
    }
    if (!isSuccess(reply.status)) {
      const error = coordinatorErrorOf(reply.body)
      this.#phase = 'register'
      if (reply.status === 404 && error?.code === NODE_API_ERROR_CODES.nodeUnknown) {
        this.#logger.info({}, 'the coordinator no longer knows this node; registering again')
        this.#setState('registering')
        await this.#register()
        return
      }
      // Anything else: register again after a pause; registration surfaces a refusal.
      this.#retryLater('heartbeat', describeReply(reply))
      return
    }
    this.#attempt = 0
    this.#inbox.confirmAcks(acks)
    this.#setState('registered')
    this.#receiveCommands(reply.body)
    this.emit('heartbeat', { seq, status: 'active', acks })
    this.#schedule(this.#heartbeatIntervalMs)
  }

  async #sendHeartbeat(status: HeartbeatStatus): Promise<{ reply: CoordinatorReply; acks: string[]; seq: number }> {
    const stats = await this.#statsProvider()
    this.#seq += 1
    const seq = this.#seq
    const acks = this.#inbox.pendingAcks()
    const body = buildHeartbeatBody({
      nodeId: this.#options.identity.nodeId,
      privateKey: this.#options.identity.privateKey,
      seq,
      nowMs: this.#clock.nowMs(),
      stats,
      status,
      acks,
    })
    const reply = await requestCoordinator(this.#fetch, { method: 'POST', url: this.#url('heartbeat'), body, ...this.#timeout() })
    return { reply, acks, seq }
  }

  #receiveCommands(body: unknown): void {
    const answer = heartbeatAnswerSchema.safeParse(body)
    if (!answer.success) {
      this.#logger.warn({}, 'ignored a heartbeat answer that is not { commands: [...] }')
      return
    }
    for (const raw of answer.data.commands ?? []) {
      const receipt = this.#inbox.receive(raw, { key: this.#keyHolder.current?.key, nodeId: this.#options.identity.nodeId, nowMs: this.#clock.nowMs() })
      if (receipt.outcome === 'rejected') this.#logger.warn({ reason: receipt.reason, commandId: receipt.commandId }, 'refused a command from the coordinator')
      this.emit('command', receipt)
    }
  }

  #registration(): Registration {
    const { identity, node } = this.#options
    return {
      nodeId: identity.nodeId,
      publicKey: publicKeyToString(identity.publicKey),
      publicUrl: node.publicUrl,
      version: node.version,
      diskQuotaBytes: node.diskQuotaBytes,
      declaredUplinkMbps: node.declaredUplinkMbps,
      timestamp: this.#clock.nowMs(),
      capabilities: [...node.capabilities],
    }
  }

  #retryLater(step: LinkStep, reason: string): void {
    const retryInMs = backoffDelayMs(this.#attempt, this.#options.backoff ?? DEFAULT_BACKOFF_POLICY, this.#random)
    this.#attempt += 1
    this.#setState('reconnecting')
    this.#logger.warn({ step, reason, attempt: this.#attempt, retryInMs }, 'coordinator request failed; retrying')
    this.emit('connection-failed', { step, reason, attempt: this.#attempt, retryInMs })
    this.#schedule(retryInMs)
  }

  #refuse(error: CoordinatorRefusedError | CoordinatorKeyMismatchError): void {
    this.#setState('stopped')
    this.#logger.error({ code: error.code, ...(error instanceof CoordinatorRefusedError ? { coordinatorCode: error.coordinatorCode } : {}) }, error.shortMessage)
    this.emit('refused', error)
    this.#startWaiter?.reject(error)
    this.#startWaiter = undefined
  }

  #rejectStart(): void {
    this.#startWaiter?.reject(new BaseError('COORDINATOR_LINK_STOPPED', 'The coordinator link stopped before the node registered.'))
    this.#startWaiter = undefined
  }

  #schedule(delayMs: number): void {
    this.#cancelTimer()
    this.#timer = this.#timers.setTimeout(() => this.#runStep(), delayMs)
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #setState(state: CoordinatorLinkState): void {
    if (state === this.#state) return
    this.#state = state
    this.emit('state', state)
  }

  #url(endpoint: 'coordinatorKey' | 'register' | 'heartbeat'): URL {
    return coordinatorEndpointUrl(this.#options.coordinatorUrl, endpoint)
  }

  #timeout(): { timeoutMs?: number } {
    return this.#options.requestTimeoutMs === undefined ? {} : { timeoutMs: this.#options.requestTimeoutMs }
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

function describeReply(reply: CoordinatorReply): string {
  if (reply.kind === 'unreachable') return reply.reason
  const error = coordinatorErrorOf(reply.body)
  return error === undefined ? `HTTP ${reply.status}` : `HTTP ${reply.status} ${error.code}: ${error.message}`
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
