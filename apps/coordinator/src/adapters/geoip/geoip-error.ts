import { BaseError } from '@meson/protocol'

/** The GeoIP database could not be found or read at start. */
export class GeoIpError extends BaseError {
  override readonly name = 'GeoIpError'
  declare readonly code: 'GEOIP_DATABASE_UNREADABLE'

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super('GEOIP_DATABASE_UNREADABLE', shortMessage, options)
  }
}
