/**
 * Why a usage line was not (fully) accepted. Stable strings: they are counted per node,
 * stored, shown in `GET /v1/nodes` and as a metric label.
 * - `forged-ticket`: the line's ticket does not carry a valid coordinator tag (a node
 *   that minted a ticket with its own node key lands here, ADR 0016), or names another
 *   nonce than the line;
 * - `unknown-ticket`: the ticket's key generation is no longer held (rotated out);
 * - `wrong-node`: the ticket was issued to another node;
 * - `wrong-zone`: the line names another zone than the ticket;
 * - `expired`: the report arrived after the ticket's expiry + the usage grace period;
 * - `over-budget`: the bytes (or the part of them) beyond the ticket's byte budget;
 * - `zone-unknown`: the ticket's zone no longer exists, so nobody can be charged;
 * - `implausible-bytes`: the bytes beyond what the responses of the ticket's object can
 *   be (its known size + tolerance, per response): inflated usage, and the node is flagged;
 * - `replayed`: the bytes beyond the whole responses of its object a ticket may bill
 *   (a line or ticket reported again).
 */
export const USAGE_REJECTION_REASONS = ['forged-ticket', 'unknown-ticket', 'wrong-node', 'wrong-zone', 'expired', 'over-budget', 'zone-unknown', 'implausible-bytes', 'replayed'] as const

export type UsageRejectionReason = (typeof USAGE_REJECTION_REASONS)[number]

/** A line (or the part of a line) that was not accepted. */
export interface UsageRejection {
  readonly ticketId: string
  readonly reason: UsageRejectionReason
  /** The bytes not accepted (all of the line's, or the excess over the budget). */
  readonly bytes: bigint
}
