import { join } from 'node:path'
import type { KeyObject } from 'node:crypto'
import type { NodeId, Ticket } from '@meson/protocol'
import { systemClock } from '../adapters/http/cache-context.ts'
import type { CoordinatorNodeConfig } from '../config/config.ts'
import { CoordinatorLink } from '../link/coordinator-link.ts'
import type { CoordinatorKeyMismatchError } from '../link/coordinator-key-mismatch-error.ts'
import type { CoordinatorRefusedError } from '../link/coordinator-refused-error.ts'
import { loadOrCreateNodeIdentity } from '../identity/node-identity.ts'
import { startCacheEngine } from './start-cache-engine.ts'
import type { NodeLogger, StartNodeDependencies } from './start-cache-engine.ts'
import type { CacheStore } from '../cdn/store/cache-store.ts'
import { CoordinatorKeyHolder } from '../cdn/tickets/coordinator-key-holder.ts'
import { NodeTicketKeyHolder } from '../cdn/tickets/node-ticket-key-holder.ts'
import { TicketBudgetMeter } from '../cdn/tickets/ticket-budget-meter.ts'
import { TicketVerifier } from '../cdn/tickets/ticket-verifier.ts'
import { UsageJournal } from '../link/usage-journal.ts'
import { UsageOutbox } from '../link/usage-outbox.ts'
import { httpUsageTransport } from '../link/usage-transport.ts'
import type { UsageTransport } from '../link/usage-transport.ts'
import { ZoneContexts } from '../adapters/http/zone-contexts.ts'
import type { ZoneBounceReason, ZoneServing } from '../adapters/http/zone-admission.ts'
import type { Clock } from '../adapters/http/cache-context.ts'
import { acquireDataDirLock } from '../cdn/store/data-dir-lock.ts'
import type { DataDirLock } from '../cdn/store/data-dir-lock.ts'
import { UsageWal } from '../link/usage-wal.ts'
import { ProxyTunnelClient } from '../adapters/proxy/tunnel-client.ts'
import { NodeGateway } from '../adapters/gateway/node-gateway.ts'
import { parseDenylist } from '../gateway/denylist.ts'
import { createCoordinatorModeRoute } from './coordinator-mode-route.ts'
import { rawZoneHitSource } from '../adapters/raw-http/raw-zone-hit.ts'
import { createNodeCommandHandler } from './node-command-handler.ts'
import { NODE_SOFTWARE_VERSION } from './node-software-version.ts'
import { collectNodeStats, createLoadGauge } from './node-stats.ts'
import { silentLogger } from '../cdn/engine/logger.ts'
import { StorageFillStore } from '../storage/fill-store.ts'
import type { SegmentReader } from '../storage/fill-store.ts'
import { StorageFiller } from '../storage/storage-filler.ts'
import { createStorageProofRoute } from '../storage/storage-proof-route.ts'
import { StorageRequests } from '../storage/storage-requests.ts'

/** How the first registration ended: registered, or refused (or stopped) with a reason. */
export type RegistrationOutcome = { readonly ok: true } | { readonly ok: false; readonly error: CoordinatorRefusedError | CoordinatorKeyMismatchError | Error }

export interface StartCoordinatorNodeDependencies extends StartNodeDependencies {
  /** Observer of requests sent back to the redirector (tests, metrics). */
  readonly onBounce?: (reason: ZoneBounceReason) => void
  /** The IPFS denylist (bad-bits format) in force at start, as read from `--ipfs-denylist` by the caller. */
  readonly ipfsDenylistText?: string
  /**
   * Test hook, no CLI option sets it: wraps how usage batches are sent, given the node's
   * identity to re-sign them (the cheating-node harness of `@meson/node/testing`).
   */
  readonly wrapUsageTransport?: (transport: UsageTransport, identity: { readonly nodeId: NodeId; readonly privateKey: KeyObject }) => UsageTransport
  /**
   * Test hook, no CLI option sets it: given the fill store, what runs once a segment is
   * confirmed and what challenges read through (the cheating-storage harness).
   */
  readonly storageCheat?: (store: StorageFillStore) => { readonly onHeld: (segment: number) => Promise<void>; readonly reader: SegmentReader }
}

/** A running node in coordinator mode. */
export interface RunningCoordinatorNode {
  readonly url: string
  readonly adminUrl: string
  /** The URL registered with the coordinator (`--public-url`, else `url`). */
  readonly publicUrl: string
  readonly nodeId: NodeId
  readonly store: CacheStore
  readonly link: CoordinatorLink
  readonly outbox: UsageOutbox
  /** The storage-proof fill and its loop; undefined with `--storage-proofs off`. */
  readonly storage: { readonly store: StorageFillStore; readonly filler: StorageFiller } | undefined
  /** Settles when first registered, or refused; never rejects. It keeps retrying while the coordinator is away. */
  readonly registered: Promise<RegistrationOutcome>
  /**
   * Graceful stop (SIGTERM, DESIGN.md §4.6): stop taking work, tell the coordinator
   * (draining heartbeat), let in-flight transfers finish (bounded by
   * `shutdownGraceMs`), seal and send the usage they made, close the store.
   */
  stop(): Promise<{ readonly pendingUsageBatches: number }>
}

/**
 * Composition root of coordinator mode (DESIGN.md §3–5, §8): identity → usage outbox →
 * the cache engine with the zone routes → the coordinator link (registration, heartbeats,
 * commands). The node listens before it registers, because the coordinator calls it
 * back at its public URL while registering it.
 */
export async function startCoordinatorNode(config: CoordinatorNodeConfig, dependencies: StartCoordinatorNodeDependencies = {}): Promise<RunningCoordinatorNode> {
  const clock = dependencies.clock ?? systemClock
  const logger = dependencies.logger ?? silentLogger
  // One node process per data directory (key, usage journal, cache): a second one refuses to start.
  const lock = await acquireDataDirLock(config.dataDir)
  try {
    return await startLockedCoordinatorNode(config, dependencies, clock, logger, lock)
  } catch (error) {
    await lock.release()
    throw error
  }
}

function usageTransportOf(config: CoordinatorNodeConfig, dependencies: StartCoordinatorNodeDependencies, identity: { readonly nodeId: NodeId; readonly privateKey: KeyObject }): UsageTransport {
  const transport = httpUsageTransport({ coordinatorUrl: config.coordinatorUrl })
  return dependencies.wrapUsageTransport === undefined ? transport : dependencies.wrapUsageTransport(transport, identity)
}

async function startLockedCoordinatorNode(
  config: CoordinatorNodeConfig,
  dependencies: StartCoordinatorNodeDependencies,
  clock: Clock,
  logger: NodeLogger,
  lock: DataDirLock,
): Promise<RunningCoordinatorNode> {
  const identity = await loadOrCreateNodeIdentity(config.dataDir)
  if (identity.created) logger.info({ nodeId: identity.nodeId }, 'created the node key')
  const keyHolder = new CoordinatorKeyHolder(config.pinnedCoordinatorKey)
  const ticketKeys = new NodeTicketKeyHolder()
  const verifier = new TicketVerifier({ keyHolder: ticketKeys, nodeId: identity.nodeId })
  const budgets = new TicketBudgetMeter()
  const outbox = new UsageOutbox(
    { nodeId: identity.nodeId, privateKey: identity.privateKey, publicKey: identity.publicKey, flushIntervalMs: config.usageFlushIntervalMs },
    { journal: new UsageJournal(config.dataDir, logger), wal: new UsageWal(config.dataDir, { commitIntervalMs: config.usageCommitIntervalMs }), transport: usageTransportOf(config, dependencies, identity), clock, logger },
  )
  await outbox.start()

  let isDraining = false
  let servedBytes = 0n
  let inflight = 0
  // Filled once the engine listens (its context is the zones' base); until then, 503.
  const servingSlot: { current: ZoneServing | undefined } = { current: undefined }
  const fillStore = config.storageProofs ? await StorageFillStore.open(config.dataDir, logger) : undefined
  const cheat = fillStore === undefined ? undefined : dependencies.storageCheat?.(fillStore)
  const storageProof =
    fillStore === undefined ? undefined : createStorageProofRoute({ nodeId: identity.nodeId, coordinatorKey: () => keyHolder.current?.key, reader: cheat?.reader ?? fillStore, nowMs: () => clock.nowMs() })
  const route = createCoordinatorModeRoute({ identity, serving: () => servingSlot.current, ...(storageProof === undefined ? {} : { storageProof }) })
  let engine
  try {
    engine = await startCacheEngine({ config, originUrl: undefined, route, rawHits: rawZoneHitSource(() => servingSlot.current), dependencies })
  } catch (error) {
    await outbox.stop()
    throw error
  }
  const { store, metrics } = engine
  engine.server.on('request', (_req, res) => {
    inflight += 1
    res.once('close', () => {
      inflight -= 1
    })
  })
  const load = createLoadGauge()
  const gateway = new NodeGateway({
    store,
    registry: metrics.registry,
    nowMs: () => clock.nowMs(),
    settings: { upstreams: [], upstreamTimeoutMs: config.originTimeoutMs, firstBlockTimeoutMs: config.originTimeoutMs, badUpstreamCooldownMs: 60_000 },
    ...(dependencies.ipfsDenylistText === undefined ? {} : { denylist: parseDenylist(dependencies.ipfsDenylistText) }),
  })
  const contexts = new ZoneContexts(engine.context, {
    connectTimeoutMs: config.originConnectTimeoutMs,
    responseTimeoutMs: config.originTimeoutMs,
    idleTimeoutMs: config.originIdleTimeoutMs,
    maxSockets: config.originMaxSockets,
  })
  servingSlot.current = {
    contexts,
    verifier,
    budgets,
    clock,
    coordinatorUrl: config.coordinatorUrl,
    isDraining: () => isDraining,
    onServed: (ticket: Ticket, token: string, bytes: bigint) => {
      servedBytes += bytes
      budgets.recordServed(ticket, bytes)
      budgets.forgetExpired(clock.nowMs())
      outbox.record({ nonce: ticket.nonce, zone: ticket.zone, token }, bytes)
    },
    onError: engine.context.onBackgroundError,
    gateway,
    ...(dependencies.onBounce === undefined ? {} : { onBounce: dependencies.onBounce }),
  }

  const publicUrl = config.publicUrl ?? engine.url
  const link: CoordinatorLink = new CoordinatorLink(
    {
      coordinatorUrl: config.coordinatorUrl,
      identity,
      node: { publicUrl, version: NODE_SOFTWARE_VERSION, diskQuotaBytes: config.cacheSizeBytes, declaredUplinkMbps: config.declaredUplinkMbps, capabilities: config.proxyExit === undefined ? ['cdn'] : ['cdn', 'proxy'] },
      operatorToken: config.operatorToken,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      ...(config.pinnedCoordinatorKey === undefined ? {} : { pinnedCoordinatorKey: config.pinnedCoordinatorKey }),
    },
    {
      keyHolder,
      ticketKeys,
      statsProvider: () =>
        collectNodeStats({ dataDir: config.dataDir, store, hits: () => metrics.hits.value, misses: () => metrics.misses.value, servedBytes: () => servedBytes, inflight: () => inflight, load }),
      commandHandler: createNodeCommandHandler({
        purge: async (selector) => {
          const purged = await store.purge(selector)
          metrics.purgedObjects.inc(purged)
          return purged
        },
        startDraining: (reason) => {
          isDraining = true
          logger.info({ reason }, 'draining on the coordinator\'s command')
          // After this handler resolved, so the draining heartbeat carries the drain's ack.
          setImmediate(() => void link.stop({ drain: true }))
        },
        setIpfsDenylist: (text) => {
          const denylist = parseDenylist(text)
          gateway.setDenylist(denylist)
          return denylist
        },
        logger,
      }),
      clock,
      logger,
    },
  )
  const filler =
    fillStore === undefined
      ? undefined
      : new StorageFiller(
          { quotaBytes: config.cacheSizeBytes, intervalMs: config.storageFillIntervalMs },
          {
            store: fillStore,
            requests: new StorageRequests({ coordinatorUrl: config.coordinatorUrl, identity, nowMs: () => clock.nowMs() }),
            cacheBytes: () => store.stats().storedBytes,
            isRegistered: () => link.state === 'registered',
            coordinatorKey: () => keyHolder.current?.raw,
            ...(cheat === undefined ? {} : { onHeld: cheat.onHeld }),
            logger,
          },
        )
  const registered: Promise<RegistrationOutcome> = link.start().then(
    () => ({ ok: true }),
    (error: unknown) => ({ ok: false, error: error instanceof Error ? error : new Error(String(error)) }),
  )
  logger.info({ url: engine.url, publicUrl, nodeId: identity.nodeId, coordinator: config.coordinatorUrl.origin }, 'edge node listening (coordinator mode)')
  // A proxy exit dials the gateway once registered: the gateway admits registered nodes only.
  const proxyExit = config.proxyExit === undefined ? undefined : new ProxyTunnelClient({ gateway: config.proxyExit.gateway, identity, policy: config.proxyExit.policy, monthFile: join(config.dataDir, 'proxy-exit-month.json'), onState: (state) => logger.info({ gateway: config.proxyExit?.gateway }, `proxy tunnel ${state}`) })
  void registered.then((outcome) => {
    if (!outcome.ok || isDraining) return
    proxyExit?.start()
    // Fill is asked for only once registered: the coordinator knows the node's key then.
    filler?.start()
  })

  let stopping: Promise<{ readonly pendingUsageBatches: number }> | undefined
  const runningEngine = engine
  return {
    url: engine.url,
    adminUrl: engine.adminUrl,
    publicUrl,
    nodeId: identity.nodeId,
    store,
    link,
    outbox,
    storage: fillStore === undefined || filler === undefined ? undefined : { store: fillStore, filler },
    registered,
    stop() {
      stopping ??= (async () => {
        isDraining = true
        await filler?.stop()
        await proxyExit?.stop()
        // The last heartbeat says `draining` while in-flight responses finish.
        const linkStopped = link.stop({ drain: true })
        await runningEngine.closeServers()
        await linkStopped
        // Every response has closed, so every byte served is metered: seal and send it.
        const usage = await outbox.stop({ drain: true })
        contexts.close()
        await runningEngine.closeStorage()
        await lock.release()
        logger.info({ pendingUsageBatches: usage.pendingBatches }, 'edge node stopped')
        return { pendingUsageBatches: usage.pendingBatches }
      })()
      return stopping
    },
  }
}
