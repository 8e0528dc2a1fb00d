import { z } from 'zod'

/**
 * A display name: any Unicode text of 1–100 characters without control characters. Stored
 * exactly as given (SQL-looking text is just text to a parameterized query).
 */
export const accountNameSchema = z
  .string({ error: 'expected a string' })
  .min(1, { error: 'expected at least 1 character' })
  .max(100, { error: 'expected at most 100 characters' })
  .regex(/^[^\p{Cc}]*$/u, { error: 'expected no control characters' })
  .meta({ example: 'Acme Video' })
