import { z } from 'zod'

/**
 * A zone name is one DNS label (RFC 1035 §2.3.1, with RFC 1123 §2.1 allowing a leading
 * digit): 1–63 characters of [a-z0-9-], not starting or ending with '-'. Lowercase only,
 * so one zone cannot hide behind another's case variant.
 */
export const ZONE_NAME_PATTERN = /^(?=.{1,63}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/

export const zoneNameSchema = z
  .string({ error: 'expected a string' })
  .regex(ZONE_NAME_PATTERN, { error: 'expected a DNS label: 1-63 lowercase letters, digits or "-", not starting or ending with "-"' })
  .meta({ example: 'my-site' })
