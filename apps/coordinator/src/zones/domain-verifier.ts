import type { DomainVerificationStore, VerifiedDomain } from './domain-verification-store.ts'

/** Where a domain's owner puts the challenge token (served as plain text, the token alone). */
export const CHALLENGE_PATH_PREFIX = '/.well-known/meson-challenge/'

export interface DomainChallenge {
  readonly hostname: string
  readonly token: string
  /** `http://<hostname>/.well-known/meson-challenge/<token>`: must answer 200 with the token as its body. */
  readonly url: string
}

export interface DomainVerifierDependencies {
  readonly store: DomainVerificationStore
  /** The token for a (zone id, domain): stable (no storage needed), unguessable by others. */
  readonly challengeToken: (zoneId: string, hostname: string) => string
  /** Fetches `path` from `hostname` over HTTP; the body text, or undefined on any failure or non-200. */
  readonly fetchChallenge: (hostname: string, path: string) => Promise<string | undefined>
  readonly now: () => number
}

/**
 * Custom-domain ownership (issue #9): a zone's custom domain is served only after its
 * owner proved control of it, by serving the challenge token at
 * `http://<domain>/.well-known/meson-challenge/<token>` (the ACME http-01 idea, RFC 8555
 * §8.3). Proofs are per zone id, so a domain moved to another zone proves again.
 * Startable: `start` loads the proofs; lookups are in memory.
 */
export class DomainVerifier {
  readonly #dependencies: DomainVerifierDependencies
  #verified = new Set<string>()

  constructor(dependencies: DomainVerifierDependencies) {
    this.#dependencies = dependencies
  }

  async start(): Promise<void> {
    const verified = await this.#dependencies.store.listVerified()
    this.#verified = new Set(verified.map(keyOf))
  }

  isVerified(zoneId: string, hostname: string): boolean {
    return this.#verified.has(keyOf({ zoneId, hostname: hostname.toLowerCase() }))
  }

  challengeFor(zoneId: string, hostname: string): DomainChallenge {
    const name = hostname.toLowerCase()
    const token = this.#dependencies.challengeToken(zoneId, name)
    return { hostname: name, token, url: `http://${name}${CHALLENGE_PATH_PREFIX}${token}` }
  }

  /** Fetches the challenge; records the proof when the domain answers with the token. */
  async verify(zoneId: string, hostname: string): Promise<boolean> {
    const challenge = this.challengeFor(zoneId, hostname)
    if (this.isVerified(zoneId, challenge.hostname)) return true
    const body = await this.#dependencies.fetchChallenge(challenge.hostname, `${CHALLENGE_PATH_PREFIX}${challenge.token}`)
    if (body?.trim() !== challenge.token) return false
    const domain = { zoneId, hostname: challenge.hostname }
    await this.#dependencies.store.markVerified(domain, this.#dependencies.now())
    this.#verified.add(keyOf(domain))
    return true
  }
}

function keyOf(domain: VerifiedDomain): string {
  return `${domain.zoneId}\n${domain.hostname}`
}
