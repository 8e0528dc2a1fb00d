/** Tickets (ADR 0016): the key hierarchy and issuing. */
export { CoordinatorTicketKeys } from './coordinator-ticket-keys.ts'
export type { TicketMasterKey } from './coordinator-ticket-keys.ts'
export { issueTicket } from './issue-ticket.ts'
export type { TicketClaims } from './issue-ticket.ts'
