import { createServer, request as httpRequest } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPair, IDENTITY_PATH, nodeIdFromPublicKey, publicKeyToString, signEnvelope, signIdentityProof } from '@meson/protocol'
import type { HeartbeatWire, KeyPair, NodeId, RegistrationWire } from '@meson/protocol'

/**
 * Test support (not a test): a fake edge node on 127.0.0.1 with a real key, answering
 * the registration callback `GET /_meson/identity?challenge=…` (or failing on purpose),
 * and building signed registrations and heartbeats.
 */
export class FakeNode {
  readonly key: KeyPair
  readonly nodeId: NodeId
  /** 'ok' signs the challenge; 'wrong-key' signs with another key; 'error' answers 500. */
  mode: 'ok' | 'wrong-key' | 'error' = 'ok'
  seq = 0
  readonly #server: Server

  private constructor() {
    this.key = generateKeyPair()
    this.nodeId = nodeIdFromPublicKey(this.key.publicKey)
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://node')
      const challenge = url.searchParams.get('challenge')
      if (url.pathname !== IDENTITY_PATH || challenge === null || this.mode === 'error') {
        response.writeHead(500).end()
        return
      }
      const signer = this.mode === 'ok' ? this.key.privateKey : generateKeyPair().privateKey
      // The node's own half of the identity proof (@meson/protocol), so the fake cannot drift from it.
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signIdentityProof(signer, this.nodeId, challenge)))
    })
  }

  static async start(): Promise<FakeNode> {
    const node = new FakeNode()
    await new Promise<void>((resolve) => node.#server.listen(0, '127.0.0.1', resolve))
    return node
  }

  get publicUrl(): string {
    // listen() on a TCP port always yields an AddressInfo.
    return `http://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`
  }

  registration(nowMs: number, overrides: Partial<RegistrationWire> = {}): RegistrationWire {
    return {
      nodeId: this.nodeId,
      publicKey: publicKeyToString(this.key.publicKey),
      publicUrl: this.publicUrl,
      version: '0.1.0',
      diskQuotaBytes: '10737418240',
      declaredUplinkMbps: 100,
      timestamp: nowMs,
      capabilities: ['cdn'],
      ...overrides,
    }
  }

  /** A signed registration envelope. */
  signedRegistration(nowMs: number, overrides: Partial<RegistrationWire> = {}): unknown {
    return signEnvelope('registration', this.key.privateKey, this.registration(nowMs, overrides))
  }

  /** The heartbeat body as the node link sends it: the signed heartbeat, status and acks inside it. */
  heartbeatBody(nowMs: number, options: { acks?: string[]; status?: 'active' | 'draining'; load?: number } = {}): unknown {
    this.seq += 1
    const heartbeat: HeartbeatWire = {
      nodeId: this.nodeId,
      seq: this.seq,
      timestamp: nowMs,
      load: options.load ?? 0.1,
      freeDiskBytes: '5368709120',
      servedBytes: '1000',
      cache: { hits: 3, misses: 1, objects: 2, storedBytes: '2048' },
      inflight: 0,
      status: options.status ?? 'active',
      acks: options.acks ?? [],
    }
    return { heartbeat: signEnvelope('heartbeat', this.key.privateKey, heartbeat) }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

export interface JsonAnswer {
  readonly status: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/** One request with node:http, so a test can pick the source address (127.0.0.2 is another "IP"). */
export function requestJson(
  method: string,
  url: string,
  options: { readonly json?: unknown; readonly token?: string; readonly localAddress?: string } = {},
): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
    const payload = options.json === undefined ? undefined : JSON.stringify(options.json)
    if (payload !== undefined) headers['content-type'] = 'application/json'
    const req = httpRequest(url, { method, headers, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown = text
        try {
          body = text === '' ? undefined : JSON.parse(text)
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers })
      })
      response.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}
