import { z } from 'zod'
import type { Zone } from '../store/store.ts'

/** A pull zone as the API shows it; the price is a base-unit string, never a number. */
export const zoneJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  origin: z.string(),
  pricePerGiB: z.string().meta({ description: 'token base units per GiB' }),
  createdAt: z.string().meta({ format: 'date-time' }),
})

export type ZoneJson = z.infer<typeof zoneJsonSchema>

export function toZoneJson(zone: Zone): ZoneJson {
  return {
    id: zone.id,
    name: zone.name,
    origin: zone.origin,
    pricePerGiB: zone.pricePerGiB.toString(),
    createdAt: zone.createdAt.toISOString(),
  }
}
