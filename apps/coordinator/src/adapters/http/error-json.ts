import { z } from 'zod'

/** The body of every error answer. */
export const errorJsonSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
})
