import type { IncomingMessage, ServerResponse } from 'node:http'
import { IDENTITY_PATH, parseIdentityChallenge, signIdentityProof, STORAGE_PROOF_PATH } from '@meson/protocol'
import { sendErrorResponse } from '../adapters/http/error-response.ts'
import type { NodeIdentity } from '../identity/node-identity.ts'
import { handleZoneRequest } from '../adapters/http/zone-request-handler.ts'
import type { ZoneServing } from '../adapters/http/zone-admission.ts'
import { parseZoneRequestTarget, ZONE_PATH_PREFIX } from '../cdn/zones/zone-request-target.ts'

const ADMIN_PREFIX = '/_meson/'

/**
 * The main port's routes in coordinator mode, asked before the cache server's own: the
 * registration callback, `/z/<zone>/<path>`, the storage challenge (when storage proofs
 * are on), and a 404 for every other path (there is
 * no default origin to proxy to). Other `/_meson/*` paths are left to the admin routes.
 * `serving` is undefined until the node is ready to serve zones (503 meanwhile).
 */
export function createCoordinatorModeRoute(parameters: {
  readonly identity: NodeIdentity
  readonly serving: () => ZoneServing | undefined
  /** `POST /_meson/storage-proof` (storage/storage-proof-route.ts); undefined when storage proofs are off. */
  readonly storageProof?: (req: IncomingMessage, res: ServerResponse) => void
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '/'
    if (url.startsWith(ZONE_PATH_PREFIX)) {
      const target = parseZoneRequestTarget(url)
      const serving = parameters.serving()
      if (target === undefined) sendErrorResponse(res, 'NOT_FOUND', 'Zone URLs are /z/<zone>/<path>.')
      else if (serving === undefined) sendErrorResponse(res, 'SHUTTING_DOWN', 'The node is not serving zones right now.')
      else handleZoneRequest(serving, req, res, target)
      return true
    }
    if (url === IDENTITY_PATH || url.startsWith(`${IDENTITY_PATH}?`)) {
      answerIdentityCallback(parameters.identity, req, res, url)
      return true
    }
    if (parameters.storageProof !== undefined && (url === STORAGE_PROOF_PATH || url.startsWith(`${STORAGE_PROOF_PATH}?`))) {
      parameters.storageProof(req, res)
      return true
    }
    if (url.startsWith(ADMIN_PREFIX)) return false
    sendErrorResponse(res, 'NOT_FOUND', 'This node serves /z/<zone>/<path> with a ticket from the coordinator.')
    return true
  }
}

/** `GET /_meson/identity?challenge=<c>` → `{ nodeId, signature }` (see @meson/protocol's identity-proof.ts). */
function answerIdentityCallback(identity: NodeIdentity, req: IncomingMessage, res: ServerResponse, url: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'The identity callback is GET only.', ['allow', 'GET, HEAD'])
    return
  }
  const challenge = parseIdentityChallenge(url)
  if (challenge === undefined) {
    sendErrorResponse(res, 'BAD_REQUEST', 'Give exactly one challenge of 16 to 256 base64url characters.')
    return
  }
  const body = JSON.stringify(signIdentityProof(identity.privateKey, identity.nodeId, challenge))
  res.writeHead(200, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store'])
  res.end(req.method === 'HEAD' ? undefined : body)
}
