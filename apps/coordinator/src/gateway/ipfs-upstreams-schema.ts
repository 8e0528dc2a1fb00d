import { ticketOriginSchema } from '@meson/protocol'
import { z } from 'zod'

/** Most upstreams an ipfs zone may list (they travel in every ticket). */
export const MAX_IPFS_UPSTREAMS = 4

/**
 * An ipfs zone's upstream trustless gateways: 1 to 4 http(s) base URLs without
 * credentials, query or fragment (the ticket's own rule, so every ticket verifies).
 */
export const ipfsUpstreamsSchema = z
  .array(ticketOriginSchema)
  .min(1, { error: 'expected at least one upstream gateway' })
  .max(MAX_IPFS_UPSTREAMS, { error: `expected at most ${MAX_IPFS_UPSTREAMS} upstream gateways` })
  .meta({ example: ['https://trustless-gateway.link'] })
