import { z } from 'zod'
import type { Account } from '../store/store.ts'

/** An account as the API shows it. */
export const accountJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['buyer', 'operator']),
  payoutAddress: z.string().nullable(),
  createdAt: z.string().meta({ format: 'date-time' }),
})

export type AccountJson = z.infer<typeof accountJsonSchema>

export function toAccountJson(account: Account): AccountJson {
  return {
    id: account.id,
    name: account.name,
    role: account.role,
    payoutAddress: account.payoutAddress,
    createdAt: account.createdAt.toISOString(),
  }
}
