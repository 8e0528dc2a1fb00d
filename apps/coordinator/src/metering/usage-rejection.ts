/**
 * Why a usage line was not (fully) accepted. Stable strings: they are counted per node,
 * stored, shown in `GET /v1/nodes` and as a metric label.
 * - `unknown-ticket`: no ticket with that nonce was issued by this coordinator (or it
 *   was pruned from the database after expiry + grace);
 * - `wrong-node`: the ticket was issued to another node;
 * - `wrong-zone`: the line names another zone than the ticket;
 * - `expired`: the report arrived after the ticket's expiry + the usage grace period;
 * - `over-budget`: the bytes (or the part of them) beyond the ticket's byte budget;
 * - `zone-unknown`: the ticket's zone no longer exists, so nobody can be charged.
 */
export const USAGE_REJECTION_REASONS = ['unknown-ticket', 'wrong-node', 'wrong-zone', 'expired', 'over-budget', 'zone-unknown'] as const

export type UsageRejectionReason = (typeof USAGE_REJECTION_REASONS)[number]

/** A line (or the part of a line) that was not accepted. */
export interface UsageRejection {
  readonly ticketId: string
  readonly reason: UsageRejectionReason
  /** The bytes not accepted (all of the line's, or the excess over the budget). */
  readonly bytes: bigint
}
