import { z } from 'zod'

/** `?limit=`: how many rows to answer, 1..200 (a query string carries it as text). */
export const limitQuerySchema = z.preprocess(
  (value) => (typeof value === 'string' && /^[0-9]{1,4}$/.test(value) ? Number(value) : value),
  z.int({ error: 'expected an integer 1..200' }).min(1, { error: 'expected an integer 1..200' }).max(200, { error: 'expected an integer 1..200' }),
)
