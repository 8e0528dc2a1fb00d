import { costOfBytes } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { buyerLedgerAccount, operatorPendingLedgerAccount, SYSTEM_PROTOCOL_FEES } from '../ledger/ledger-accounts.ts'
import type { LedgerEntryInput, LedgerTransactionInput } from '../store/store.ts'
import type { AcceptedUsage } from './judge-usage-lines.ts'
import type { ZoneBilling } from './zone-billing.ts'

/** The country of usage whose client could not be located. */
export const UNKNOWN_COUNTRY = 'unknown'

/** Milliseconds in an hour: usage is aggregated per UTC hour. */
export const HOUR_MS = 3_600_000

export interface BuildUsageChargesParameters {
  readonly batchId: string
  readonly nodeId: string
  /** The operator who runs the node and earns its share. */
  readonly operatorId: AccountId
  /** Whole percent of each charge credited to the operator, 0..100; the rest is the protocol's fee. */
  readonly operatorSharePercent: number
  /** When the batch was received; its UTC hour is the hour the usage is counted in. */
  readonly receivedAt: number
  readonly accepted: readonly AcceptedUsage[]
  readonly zones: ReadonlyMap<string, ZoneBilling>
  /** The country code of a ticket's client (see `countryOfClient`); 'unknown' when absent. */
  readonly countryOf?: (client: string) => string
}

/** Bytes and requests of one zone, hour and node that went to one country. */
export interface CountryUsage {
  readonly country: string
  readonly bytes: bigint
  readonly requests: number
}

/** Bytes and cost of one zone, in one hour, served by one node. */
export interface HourlyUsage {
  readonly zone: ZoneBilling
  readonly hourStart: number
  readonly nodeId: string
  readonly operatorId: AccountId
  readonly bytes: bigint
  readonly cost: bigint
  readonly requests: number
  /** The same usage by client country, ordered by country. */
  readonly countries: readonly CountryUsage[]
}

/** A zone's charge for one batch. */
export interface UsageCharge {
  readonly zone: ZoneBilling
  readonly bytes: bigint
  readonly cost: bigint
  readonly operatorShare: bigint
  readonly protocolFee: bigint
  /** The ledger transaction, or undefined when the cost floors to 0 (nothing to post). */
  readonly transaction: LedgerTransactionInput | undefined
}

/**
 * Prices a batch's accepted bytes: bytes are summed per zone first, then priced once
 * (`costOfBytes` floors, so pricing each line would lose up to one base unit per line;
 * per (batch, zone) the buyer is undercharged by less than one base unit, 10^-18 MSN,
 * and that remainder is not carried). The operator's share is rounded up (issue #9: a
 * small charge must never leave the operator nothing) and the protocol's fee is the
 * rest, so the entries sum to exactly zero:
 * `buyer:<id>` −cost, `operator:<id>:pending` +share, `system:protocol-fees` +fee.
 * One transaction per (batch, zone), id `usage:<batchId>:<zone>`, so a retry is a no-op.
 */
export function buildUsageCharges(parameters: BuildUsageChargesParameters): { readonly charges: readonly UsageCharge[]; readonly hourly: readonly HourlyUsage[] } {
  const { operatorSharePercent } = parameters
  if (!Number.isInteger(operatorSharePercent) || operatorSharePercent < 0 || operatorSharePercent > 100) {
    throw new RangeError(`operatorSharePercent must be an integer 0..100, got ${operatorSharePercent}`)
  }
  const bytesByZone = new Map<string, bigint>()
  const requestsByZone = new Map<string, number>()
  const countriesByZone = new Map<string, Map<string, { bytes: bigint; requests: number }>>()
  const countryOf = parameters.countryOf ?? (() => UNKNOWN_COUNTRY)
  for (const usage of parameters.accepted) {
    bytesByZone.set(usage.zone, (bytesByZone.get(usage.zone) ?? 0n) + usage.bytes)
    requestsByZone.set(usage.zone, (requestsByZone.get(usage.zone) ?? 0) + usage.requests)
    const countries = countriesByZone.get(usage.zone) ?? new Map<string, { bytes: bigint; requests: number }>()
    countriesByZone.set(usage.zone, countries)
    const country = countryOf(usage.client)
    const total = countries.get(country)
    if (total === undefined) countries.set(country, { bytes: usage.bytes, requests: usage.requests })
    else {
      total.bytes += usage.bytes
      total.requests += usage.requests
    }
  }

  const hourStart = parameters.receivedAt - (parameters.receivedAt % HOUR_MS)
  const charges: UsageCharge[] = []
  const hourly: HourlyUsage[] = []
  for (const [zoneName, bytes] of bytesByZone) {
    const zone = parameters.zones.get(zoneName)
    // The judge only accepts lines of known zones; a missing one here is a caller bug.
    if (zone === undefined) throw new RangeError(`no billing data for zone ${zoneName}`)
    const cost = costOfBytes(bytes, zone.pricePerGiB)
    const operatorShare = operatorShareOf(cost, operatorSharePercent)
    const protocolFee = cost - operatorShare
    charges.push({ zone, bytes, cost, operatorShare, protocolFee, transaction: buildTransaction(parameters, zone, bytes, cost, operatorShare, protocolFee) })
    const countries = [...(countriesByZone.get(zoneName) ?? new Map<string, { bytes: bigint; requests: number }>())]
      .map(([country, total]) => ({ country, bytes: total.bytes, requests: total.requests }))
      .sort((a, b) => (a.country < b.country ? -1 : a.country > b.country ? 1 : 0))
    hourly.push({ zone, hourStart, nodeId: parameters.nodeId, operatorId: parameters.operatorId, bytes, cost, requests: requestsByZone.get(zoneName) ?? 0, countries })
  }
  return { charges, hourly }
}

/**
 * The operator's whole percent of `cost`, rounded up: never 0 for a non-zero cost and a
 * non-zero percent, never more than the cost. Exported for the tests.
 */
export function operatorShareOf(cost: bigint, operatorSharePercent: number): bigint {
  return (cost * BigInt(operatorSharePercent) + 99n) / 100n
}

function buildTransaction(
  parameters: BuildUsageChargesParameters,
  zone: ZoneBilling,
  bytes: bigint,
  cost: bigint,
  operatorShare: bigint,
  protocolFee: bigint,
): LedgerTransactionInput | undefined {
  if (cost === 0n) return undefined
  const entries: LedgerEntryInput[] = [{ ledgerAccount: buyerLedgerAccount(zone.accountId), amount: -cost }]
  if (operatorShare > 0n) entries.push({ ledgerAccount: operatorPendingLedgerAccount(parameters.operatorId), amount: operatorShare })
  if (protocolFee > 0n) entries.push({ ledgerAccount: SYSTEM_PROTOCOL_FEES, amount: protocolFee })
  return {
    id: `usage:${parameters.batchId}:${zone.name}`,
    kind: 'usage',
    memo: `${bytes} bytes of zone ${zone.name} served by node ${parameters.nodeId}`,
    entries,
  }
}
