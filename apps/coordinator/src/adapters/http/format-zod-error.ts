import type { z } from 'zod'

/**
 * One line naming the field(s) at fault, e.g. `body.amount: expected a string`.
 * Only the first few issues: a hostile body can produce thousands.
 */
export function formatZodError(error: z.ZodError, location: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [location, ...issue.path.map(String)].join('.')
      return `${path}: ${issue.message}`
    })
    .join('; ')
}
