import { createHmac } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { request as httpRequest } from 'node:http'

/** Longest challenge answer read: a token is 43 characters. */
const MAX_CHALLENGE_BYTES = 1024

/**
 * The challenge fetch of `DomainVerifier`: `GET http://<hostname><path>` (no redirects
 * followed, at most 1 KiB read), or, with `baseUrl` (config `domainVerificationBaseUrl`,
 * for tests on loopback and split-horizon setups), the same path on that server with
 * `Host: <hostname>`. Resolves undefined on any failure, timeout or non-200 answer.
 */
export function createFetchDomainChallenge(options: { readonly baseUrl: string | undefined; readonly timeoutMs: number }): (hostname: string, path: string) => Promise<string | undefined> {
  return (hostname, path) =>
    new Promise((resolve) => {
      const target = new URL(path, options.baseUrl ?? `http://${hostname}`)
      const request = httpRequest(target, { method: 'GET', headers: { host: hostname, accept: 'text/plain' }, agent: false, timeout: options.timeoutMs }, (response) => {
        if (response.statusCode !== 200) {
          response.resume()
          resolve(undefined)
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_CHALLENGE_BYTES) {
            request.destroy()
            resolve(undefined)
            return
          }
          chunks.push(chunk)
        })
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        response.on('error', () => resolve(undefined))
      })
      request.on('timeout', () => request.destroy())
      request.on('error', () => resolve(undefined))
      request.end()
    })
}

/**
 * Challenge tokens as an HMAC of (zone id, domain) under a key derived from the
 * coordinator's private key: stable across restarts without storage, unguessable by
 * anyone else, different per zone (a domain moved to another zone proves again).
 */
export function createChallengeToken(coordinatorPrivateKey: KeyObject): (zoneId: string, hostname: string) => string {
  const secret = createHmac('sha256', coordinatorPrivateKey.export({ format: 'der', type: 'pkcs8' })).update('meson domain challenge v1').digest()
  return (zoneId, hostname) => createHmac('sha256', secret).update(`${zoneId}\n${hostname}`).digest('base64url')
}
