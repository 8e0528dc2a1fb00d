import { z } from 'zod'
import { parseBaseUnitsOrTokens } from './token-amount.ts'

/**
 * A positive token amount, sent as a string — base units ("50000000000000000") or with
 * the symbol ("0.05 MSN") — and parsed to bigint base units. JSON numbers are refused:
 * they lose precision past 2^53.
 */
export const positiveAmountSchema = z
  .string({ error: 'expected a string of base units, e.g. "1000000000000000000" (not a JSON number)' })
  .transform((text, ctx) => {
    const parsed = parseBaseUnitsOrTokens(text, { minimum: 1n })
    if (parsed.ok) return parsed.value
    ctx.addIssue({ code: 'custom', message: parsed.reason })
    return z.NEVER
  })
  .meta({ description: 'base units (18 decimals) as a decimal string, or a token amount like "0.05 MSN"', example: '50000000000000000' })
