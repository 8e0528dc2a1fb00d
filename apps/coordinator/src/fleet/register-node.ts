import { openEnvelope, publicKeyFromString, publicKeyToString, registrationSchema, signEnvelope } from '@meson/protocol'
import type { AccountId, KeyPair, Registration } from '@meson/protocol'
import type { CallNodeBack } from './node-callback.ts'
import type { FleetNodeRecord, FleetStore } from './fleet-store.ts'
import { isVersionAtLeast } from './compare-versions.ts'
import type { FleetRefusal } from './fleet-refusal.ts'
import { refuse } from './fleet-refusal.ts'
import type { FleetRegistry } from './fleet-registry.ts'
import type { CoordinatorTicketKeys } from '../tickets/coordinator-ticket-keys.ts'

/** How far a signed registration or heartbeat timestamp may be from the coordinator's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

export interface RegisterNodeDependencies {
  readonly registry: FleetRegistry
  readonly fleetStore: FleetStore
  readonly callNodeBack: CallNodeBack
  readonly coordinatorKey: KeyPair
  readonly minNodeVersion: string
  readonly allowSharedIp: boolean
  readonly heartbeatIntervalMs: number
}

export interface RegisterNodeInput {
  /** The request body: a signed envelope ('registration'). */
  readonly body: unknown
  readonly operatorId: AccountId
  /** TCP peer address of the request: the node's public IP. */
  readonly peerIp: string
  readonly nowMs: number
}

export interface RegisteredNode {
  readonly ok: true
  readonly node: FleetNodeRecord
  /** Why the callback failed, when the node was accepted without CDN work. */
  readonly callbackFailure: string | undefined
}

/**
 * Registers (or re-registers) a node, DESIGN.md §4: signature by the key in the payload
 * (whose hash is the node id, checked by the schema), fresh timestamp, minimum version,
 * same operator as before, one node per public IP, then the callback. A node the
 * callback cannot reach is accepted as `pending` (no CDN work; it can still be a proxy
 * exit through its tunnel) if it offers `proxy`, and refused otherwise, as it could
 * do nothing useful.
 */
export async function registerNode(input: RegisterNodeInput, dependencies: RegisterNodeDependencies): Promise<RegisteredNode | FleetRefusal> {
  const opened = openEnvelope('registration', registrationSchema, (payload) => keyOf(payload.publicKey), input.body)
  if (!opened.ok) {
    if (opened.reason === 'bad-signature') return refuse('NODE_SIGNATURE_INVALID', 'the registration is not signed by the key it carries')
    return refuse('NODE_REGISTRATION_INVALID', describeInvalid(input.body))
  }
  const registration = opened.value
  if (Math.abs(registration.timestamp - input.nowMs) > MAX_CLOCK_SKEW_MS) {
    return refuse('NODE_CLOCK_SKEW', "the registration's timestamp is more than 5 minutes from the coordinator's clock; set the node's clock (NTP) and retry")
  }
  if (!isVersionAtLeast(registration.version, dependencies.minNodeVersion)) {
    return refuse('NODE_VERSION_TOO_OLD', `node version ${registration.version} is below the minimum ${dependencies.minNodeVersion}; upgrade the node and start it again`)
  }
  const previous = await dependencies.fleetStore.getFleetNode(registration.nodeId)
  if (previous !== undefined && previous.operatorId !== input.operatorId) {
    return refuse('NODE_OWNED_BY_OTHER_OPERATOR', `node ${registration.nodeId} belongs to another operator; use that operator's token, or a new node key`)
  }
  if (!dependencies.allowSharedIp) {
    const holder = await findOtherHolder(registration, input.peerIp, dependencies)
    if (holder !== undefined) {
      return refuse(
        'NODE_IP_IN_USE',
        `another node (${holder}) is registered from ${input.peerIp}, and Meson allows one node per public IP; stop that node and register again once it is marked down, or run this node on another IP`,
      )
    }
  }
  const publicKey = dependencies.registry.verifyKeyOf(registration.nodeId) ?? keyOf(registration.publicKey)
  const callback = publicKey === undefined ? { ok: false as const, reason: 'bad key' } : await dependencies.callNodeBack({ publicUrl: registration.publicUrl, nodeId: registration.nodeId, publicKey })
  const callbackFailure = callback.ok ? undefined : callback.reason
  if (callbackFailure !== undefined && !registration.capabilities.includes('proxy')) {
    return refuse(
      'NODE_CALLBACK_FAILED',
      `the coordinator could not reach this node at ${registration.publicUrl} (${callbackFailure}); make that URL reachable from the coordinator (port forwarding, firewall) and start the node again`,
    )
  }
  const node = await dependencies.fleetStore.saveNode({
    id: registration.nodeId,
    operatorId: input.operatorId,
    publicKey: registration.publicKey,
    publicUrl: registration.publicUrl,
    version: registration.version,
    status: callbackFailure === undefined ? 'active' : 'pending',
    publicIp: input.peerIp,
    diskQuotaBytes: registration.diskQuotaBytes,
    declaredUplinkMbps: registration.declaredUplinkMbps,
    capabilities: registration.capabilities,
    isReachable: callbackFailure === undefined,
  })
  dependencies.registry.upsert(node, input.nowMs)
  return { ok: true, node, callbackFailure }
}

/** The JSON answer of a successful registration (the contract in README.md). */
export function registrationAnswer(
  registered: RegisteredNode,
  dependencies: Pick<RegisterNodeDependencies, 'heartbeatIntervalMs' | 'coordinatorKey'> & { readonly ticketKeys: CoordinatorTicketKeys },
): Record<string, unknown> {
  return {
    // The node's ticket keys (ADR 0016), signed by the coordinator key the node fetched;
    // secret: the answer travels on the same channel as the operator's bearer token.
    ticketKeys: signEnvelope('ticket-keys', dependencies.coordinatorKey.privateKey, { nodeId: registered.node.id, keys: dependencies.ticketKeys.nodeKeysFor(registered.node.id) }),
    nodeId: registered.node.id,
    status: registered.node.status,
    heartbeatIntervalMs: dependencies.heartbeatIntervalMs,
    coordinatorPublicKey: publicKeyToString(dependencies.coordinatorKey.publicKey),
    callback: registered.callbackFailure === undefined ? { ok: true } : { ok: false, reason: registered.callbackFailure },
  }
}

async function findOtherHolder(registration: Registration, peerIp: string, dependencies: RegisterNodeDependencies): Promise<string | undefined> {
  const live = dependencies.registry.findOtherHolderOfIp(peerIp, registration.nodeId)
  if (live !== undefined) return live.record.id
  // The store knows nodes other coordinator replicas registered; a node counts until down.
  const stored = await dependencies.fleetStore.findNodesByPublicIp(peerIp)
  const holder = stored.find((node) => node.id !== registration.nodeId && node.status !== 'down' && dependencies.registry.get(node.id)?.status !== 'down')
  return holder?.id
}

function keyOf(text: string): Uint8Array | undefined {
  const key = publicKeyFromString(text)
  return key.ok ? key.value : undefined
}

function describeInvalid(body: unknown): string {
  const payload = typeof body === 'object' && body !== null && 'payload' in body ? body.payload : undefined
  const parsed = registrationSchema.safeParse(payload)
  const issue = parsed.success ? undefined : parsed.error.issues[0]
  if (issue === undefined) return 'the body must be a signed envelope { payload, signature } holding a registration'
  const path = issue.path.map(String).join('.')
  return `the registration is invalid${path === '' ? '' : ` at ${path}`}: ${issue.message}`
}
