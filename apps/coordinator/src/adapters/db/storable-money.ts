/** One more than the largest magnitude `numeric(78,0)` holds (78 nines). */
const MONEY_LIMIT = 10n ** 78n

/**
 * Whether an amount fits the money columns: `numeric(78,0)` in PostgreSQL, and the
 * same bound in SQLite so both dialects accept exactly the same values.
 */
export function isStorableMoney(amount: bigint): boolean {
  return amount < MONEY_LIMIT && amount > -MONEY_LIMIT
}
