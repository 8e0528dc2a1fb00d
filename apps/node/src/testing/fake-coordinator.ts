import { randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { deriveCoordinatorTicketKey, deriveNodeTicketKey, generateKeyPair, nodeTicketKeyWire, signEnvelope, heartbeatRequestSchema, heartbeatSchema, NODE_API_ERROR_CODES, openEnvelope, publicKeyFromString, publicKeyToString, registrationSchema, usageReportSchema, TicketMacKey } from '@meson/protocol'
import type { Heartbeat, KeyPair, Registration, SignedEnvelope, TicketTagKeys, UsageReport } from '@meson/protocol'
import { COORDINATOR_ENDPOINTS } from '../link/coordinator-endpoints.ts'
import { FakeStorageEndpoints } from './fake-storage-endpoints.ts'
import type { FakeReply } from './fake-storage-endpoints.ts'

export type { FakeReply } from './fake-storage-endpoints.ts'

/** A request the fake received. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly body: unknown
}


/** Overrides one endpoint; returning undefined falls back to the fake's default behaviour. */
export type FakeHandler = (request: RecordedRequest) => FakeReply | undefined


/**
 * Test fixture: a small coordinator on 127.0.0.1 (port 0) that speaks the node
 * endpoints of README.md with real signatures. By default it accepts registrations,
 * answers heartbeats of registered nodes (404 NODE_UNKNOWN otherwise) with the
 * commands queued for them, and records usage batches (409 for a repeated batch id).
 * `stop()` and `restart()` simulate an outage; a restart forgets registered nodes,
 * as a coordinator that lost its memory would.
 */
export class FakeCoordinator {
  readonly key: KeyPair
  /** The ticket master secret (ADR 0016) and the key generations delivered to nodes. */
  readonly ticketMaster: Uint8Array = randomBytes(32)
  ticketKids: readonly string[] = ['k1']
  /** Signs the delivered ticket keys; a test that rotates the coordinator key sets the new one. */
  ticketKeysSigner: KeyObject | undefined
  readonly requests: RecordedRequest[] = []
  readonly registrations: Registration[] = []
  readonly heartbeats: { readonly heartbeat: Heartbeat; readonly status: string; readonly acks: readonly string[] }[] = []
  readonly usageBatches = new Map<string, UsageReport>()
  /** The storage-proof endpoints (off until `storage.enabled = true`). */
  readonly storage = new FakeStorageEndpoints()
  readonly #handlers = new Map<string, FakeHandler>()
  readonly #publicKeysByNode = new Map<string, Uint8Array>()
  readonly #queuedCommands: SignedEnvelope[] = []
  readonly #sockets = new Set<Socket>()
  #server: Server
  #port = 0

  private constructor(key: KeyPair) {
    this.key = key
    this.#server = this.#createServer()
  }

  /** Starts a fake on a random loopback port. */
  static async start(key: KeyPair = generateKeyPair()): Promise<FakeCoordinator> {
    const fake = new FakeCoordinator(key)
    await fake.#listen()
    return fake
  }

  /** The keys a real coordinator would tag a ticket for `nodeId` with, under `kid`. */
  ticketTagKeys(nodeId: string, kid = this.ticketKids[0] ?? 'k1'): TicketTagKeys {
    return {
      nodeKey: new TicketMacKey(deriveNodeTicketKey(this.ticketMaster, kid, nodeId)),
      coordinatorKey: new TicketMacKey(deriveCoordinatorTicketKey(this.ticketMaster, kid)),
    }
  }

  get url(): URL {
    return new URL(`http://127.0.0.1:${this.#port}`)
  }

  /** Requests received at `path`. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path)
  }

  /** Overrides an endpoint (a path of COORDINATOR_ENDPOINTS). */
  override(path: string, handler: FakeHandler): void {
    this.#handlers.set(path, handler)
  }

  /** Queues a signed command for the next heartbeat answer (sent once). */
  queueCommand(envelope: SignedEnvelope): void {
    this.#queuedCommands.push(envelope)
  }

  /** Stops listening and drops open connections: the node now sees ECONNREFUSED. */
  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /** Listens again on the same port, with no memory of registered nodes. */
  async restart(): Promise<void> {
    this.#publicKeysByNode.clear()
    this.#server = this.#createServer()
    await this.#listen(this.#port)
  }

  #createServer(): Server {
    const server = createServer((request, response) => {
      void this.#serve(request, response)
    })
    server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    return server
  }

  async #listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', () => resolve()))
    const address = this.#server.address()
    // listen() on a TCP port always yields an AddressInfo, never a pipe name.
    this.#port = (address as AddressInfo).port
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array))
    const text = Buffer.concat(chunks).toString('utf8')
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: new URL(request.url ?? '/', 'http://fake').pathname,
      authorization: request.headers.authorization,
      body: text === '' ? undefined : JSON.parse(text),
    }
    this.requests.push(recorded)
    const reply = this.#handlers.get(recorded.path)?.(recorded) ?? this.#defaultReply(recorded)
    if (reply === 'hang-up') {
      request.socket.destroy()
      return
    }
    if ('bytes' in reply) {
      const length = reply.chunked === true ? {} : { 'content-length': String(reply.bytes.byteLength) }
      response.writeHead(reply.status, { 'content-type': 'application/octet-stream', ...length, ...reply.headers })
      if (reply.stall === true) response.write(reply.bytes.subarray(0, reply.bytes.byteLength >> 1))
      else response.end(reply.bytes)
      return
    }
    if (reply.status === 204) {
      response.writeHead(204)
      response.end()
      return
    }
    response.writeHead(reply.status, { 'content-type': 'application/json' })
    response.end(reply.body === undefined ? '' : JSON.stringify(reply.body))
  }

  #defaultReply(request: RecordedRequest): FakeReply {
    switch (request.path) {
      case COORDINATOR_ENDPOINTS.coordinatorKey:
        return { status: 200, body: { publicKey: publicKeyToString(this.key.publicKey) } }
      case COORDINATOR_ENDPOINTS.register:
        return this.#register(request.body)
      case COORDINATOR_ENDPOINTS.heartbeat:
        return this.#heartbeat(request.body)
      case COORDINATOR_ENDPOINTS.usage:
        return this.#usage(request.body)
      default:
        return this.storage.handle(request.path, request.body, (nodeId) => this.#publicKeysByNode.get(nodeId)) ?? errorReply(404, 'NOT_FOUND', 'no such endpoint')
    }
  }

  #register(body: unknown): FakeReply {
    const opened = openEnvelope('registration', registrationSchema, (payload) => keyOf(payload.publicKey), body)
    if (!opened.ok) return errorReply(400, 'INVALID_REGISTRATION', opened.reason)
    this.registrations.push(opened.value)
    this.#publicKeysByNode.set(opened.value.nodeId, publicKeyFromStringOrThrow(opened.value.publicKey))
    const nodeId = opened.value.nodeId
    const keys = this.ticketKids.map((kid) => nodeTicketKeyWire(kid, deriveNodeTicketKey(this.ticketMaster, kid, nodeId)))
    return { status: 200, body: { nodeId, ticketKeys: signEnvelope('ticket-keys', this.ticketKeysSigner ?? this.key.privateKey, { nodeId, keys }) } }
  }

  #heartbeat(body: unknown): FakeReply {
    const parsed = heartbeatRequestSchema.safeParse(body)
    if (!parsed.success) return errorReply(400, 'INVALID_HEARTBEAT', 'bad body')
    const opened = openEnvelope('heartbeat', heartbeatSchema, (payload) => this.#publicKeysByNode.get(payload.nodeId), parsed.data.heartbeat)
    if (!opened.ok && opened.reason === 'unknown-signer') return errorReply(404, 'NODE_UNKNOWN', 'register first')
    if (!opened.ok && opened.reason === 'bad-signature') return errorReply(401, 'NODE_SIGNATURE_INVALID', 'not signed by the registered key')
    if (!opened.ok) return errorReply(400, 'INVALID_HEARTBEAT', opened.reason)
    this.heartbeats.push({ heartbeat: opened.value, status: opened.value.status ?? 'active', acks: opened.value.acks ?? [] })
    return { status: 200, body: { commands: this.#queuedCommands.splice(0) } }
  }

  #usage(body: unknown): FakeReply {
    const opened = openEnvelope('usage-report', usageReportSchema, (payload) => this.#publicKeysByNode.get(payload.nodeId), body)
    if (!opened.ok) return opened.reason === 'unknown-signer' ? errorReply(404, 'NODE_UNKNOWN', 'register first') : errorReply(400, 'INVALID_USAGE_REPORT', opened.reason)
    if (this.usageBatches.has(opened.value.batchId)) return errorReply(409, NODE_API_ERROR_CODES.usageBatchDuplicate, 'batch already applied')
    this.usageBatches.set(opened.value.batchId, opened.value)
    return { status: 200, body: { accepted: opened.value.lines.length } }
  }

  /** Lets a test accept usage from a node it did not see register. */
  trustNode(nodeId: string, publicKey: Uint8Array): void {
    this.#publicKeysByNode.set(nodeId, publicKey)
  }
}

/** An error answer in the coordinator's `{ error: { code, message } }` shape. */
export function errorReply(status: number, code: string, message: string): FakeReply {
  return { status, body: { error: { code, message } } }
}

function keyOf(text: string): Uint8Array | undefined {
  const key = publicKeyFromString(text)
  return key.ok ? key.value : undefined
}

function publicKeyFromStringOrThrow(text: string): Uint8Array {
  const key = publicKeyFromString(text)
  if (!key.ok) throw new Error(key.reason)
  return key.value
}
