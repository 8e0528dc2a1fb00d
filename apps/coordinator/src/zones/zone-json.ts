import { z } from 'zod'
import type { Zone } from './zone-store.ts'

/** A pull zone as the API shows it; the price is a base-unit string, never a number. */
export const zoneJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  origin: z.string(),
  pricePerGiB: z.string().meta({ description: 'token base units per GiB' }),
  createdAt: z.string().meta({ format: 'date-time' }),
  type: z.enum(['cdn', 'ipfs']).meta({ description: 'cdn: pull zone; ipfs: IPFS gateway zone' }),
  upstreams: z.array(z.string()).optional().meta({ description: 'ipfs zones: upstream trustless gateways' }),
})

export type ZoneJson = z.infer<typeof zoneJsonSchema>

/** `upstreams` given: an ipfs zone (#13). */
export function toZoneJson(zone: Zone, upstreams?: readonly string[]): ZoneJson {
  return {
    id: zone.id,
    name: zone.name,
    origin: zone.origin,
    pricePerGiB: zone.pricePerGiB.toString(),
    createdAt: zone.createdAt.toISOString(),
    type: upstreams === undefined ? 'cdn' : 'ipfs',
    ...(upstreams === undefined ? {} : { upstreams: [...upstreams] }),
  }
}
