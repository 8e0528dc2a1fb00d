import { BaseError } from '@meson/protocol'

/** The client faults a fast connection detects itself, by node:http's error code. */
const FAULTS = {
  ERR_HTTP_REQUEST_TIMEOUT: 'The request head did not arrive in time.',
  HPE_INVALID_EOF_STATE: 'The connection ended inside a request head.',
} as const

/**
 * What went wrong with a client on a fast connection, emitted as the server's
 * `clientError` so the node:http server's own handler answers it (408/400 and close),
 * byte for byte as it answers the same fault on its own connections. The codes are
 * node:http's, which that handler matches on.
 */
export class RawClientError extends BaseError {
  override readonly name = 'RawClientError'
  constructor(code: keyof typeof FAULTS) {
    super(code, FAULTS[code])
  }
}
