import { GIB } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { buyerLedgerAccount } from '../ledger/ledger-accounts.ts'
import type { LedgerTransactionInput, PostTransactionResult } from '../store/store.ts'
import { buildProxyCharge } from './build-proxy-charge.ts'
import type { ProxyUsageLine } from './proxy-store.ts'
import { ReadThroughCache } from './read-through-cache.ts'

/** What metering needs: the ledger's one posting path, balances, and the usage table. */
export interface ProxyMeterPorts {
  readonly postTransaction: (transaction: LedgerTransactionInput) => Promise<PostTransactionResult>
  readonly getBalance: (ledgerAccount: string) => Promise<bigint>
  readonly addUsage: (lines: readonly ProxyUsageLine[]) => Promise<void>
}

export interface ProxyMeterOptions {
  readonly ports: ProxyMeterPorts
  readonly pricePerGiB: bigint
  readonly operatorSharePercent: number
  readonly now: () => number
  /** A connection is charged at least every this many bytes (and on close). */
  readonly flushBytes: number
  /**
   * How long a buyer's positive balance read for admission is reused (default 1000 ms).
   * Only positive balances are kept: a refused buyer is read again at every connection,
   * so a top-up counts at once, and a balance this gateway's own charges bring to zero
   * refuses the next connection at once.
   */
  readonly balanceTtlMs?: number
}

/** Who a metered connection bills. */
export interface MeteredConnectionInfo {
  readonly connectionId: string
  readonly accountId: AccountId
  readonly nodeId: string
  readonly operatorId: AccountId
  readonly session: string
}

/**
 * Per-GiB billing of proxied connections at the gateway (the side the network trusts).
 * Each connection counts bytes both ways and is charged in flushes: every `flushBytes`,
 * on the owner's timer and on close, through the ledger's posting path. A buyer with no
 * balance is refused before any byte; a connection whose buyer's balance runs out is
 * reported exhausted, and the caller closes it. Overshoot is bounded by one flush of
 * bytes per open connection of that buyer.
 */
export class ProxyMeter {
  readonly #options: ProxyMeterOptions
  readonly #balances: ReadThroughCache<bigint>

  constructor(options: ProxyMeterOptions) {
    this.#options = options
    this.#balances = new ReadThroughCache({
      read: (accountId) => options.ports.getBalance(buyerLedgerAccount(accountId as AccountId)),
      ttlMs: options.balanceTtlMs ?? 1000,
      now: options.now,
      cacheable: (balance) => balance > 0n,
    })
  }

  /** Starts metering one connection; `balance` is the buyer's balance when it was admitted. */
  open(info: MeteredConnectionInfo, balance: bigint): MeteredConnection {
    return new MeteredConnection(info, this.#options, this.#balances, balance)
  }

  /** The buyer's balance for admission: from memory while a positive one is fresh, else read from the ledger. */
  balanceOf(accountId: AccountId): Promise<bigint> {
    return this.#balances.get(accountId)
  }
}

/** One connection's byte counters and charges. */
export class MeteredConnection {
  readonly #info: MeteredConnectionInfo
  readonly #options: ProxyMeterOptions
  readonly #balances: ReadThroughCache<bigint>
  /** Bytes folded in by the last `flush()` call. */
  #up = 0n
  #down = 0n
  /**
   * Bytes counted since then, as plain numbers: `add` runs once per chunk on the relay's
   * hot path, where BigInt arithmetic would allocate; they are folded into the exact
   * bigint totals on every flush (and a connection always flushes on close).
   */
  #pendingUp = 0
  #pendingDown = 0
  #billedUp = 0n
  #billedDown = 0n
  #sequence = 0
  #balance: bigint
  /** Bytes the last known balance pays for, beyond what is billed. */
  #affordableBytes: bigint
  /** Pending bytes at which `add` asks for a flush: flushBytes, or less when the balance pays for less. */
  #flushAtBytes = 0
  #chain: Promise<boolean> = Promise.resolve(false)

  constructor(info: MeteredConnectionInfo, options: ProxyMeterOptions, balances: ReadThroughCache<bigint>, balance: bigint) {
    this.#info = info
    this.#options = options
    this.#balances = balances
    this.#balance = balance
    this.#affordableBytes = this.#bytesFor(balance)
    this.#updateFlushAt()
  }

  get bytesUp(): bigint {
    return this.#up + BigInt(this.#pendingUp)
  }

  get bytesDown(): bigint {
    return this.#down + BigInt(this.#pendingDown)
  }

  /**
   * Counts bytes; returns true when a flush is due (enough bytes, or the unbilled bytes
   * may already exceed the balance), so the caller calls `flush()`.
   */
  add(direction: 'up' | 'down', bytes: number): boolean {
    if (direction === 'up') this.#pendingUp += bytes
    else this.#pendingDown += bytes
    return this.#pendingUp + this.#pendingDown >= this.#flushAtBytes
  }

  /** Charges every byte counted so far; resolves true when the buyer's balance is exhausted (read from the ledger). */
  flush(): Promise<boolean> {
    return this.#fold(false)
  }

  /**
   * The last flush, when the connection has closed: charges every byte counted, and
   * takes the charge off the cached balance instead of reading the ledger again (nothing
   * is left to close; the next admission sees the debit, and reads the ledger if the
   * balance is gone).
   */
  close(): Promise<boolean> {
    return this.#fold(true)
  }

  #fold(final: boolean): Promise<boolean> {
    this.#up += BigInt(this.#pendingUp)
    this.#down += BigInt(this.#pendingDown)
    this.#pendingUp = 0
    this.#pendingDown = 0
    this.#updateFlushAt()
    this.#chain = this.#chain.then(() => this.#flushNow(final))
    return this.#chain
  }

  /** unbilled + pending ≥ affordable ⟺ pending ≥ affordable − unbilled (the headroom). */
  #updateFlushAt(): void {
    const headroom = this.#affordableBytes - this.#unbilled()
    const flushBytes = BigInt(this.#options.flushBytes)
    this.#flushAtBytes = Number(headroom >= flushBytes ? flushBytes : headroom > 0n ? headroom : 0n)
  }

  #unbilled(): bigint {
    return this.#up + this.#down - this.#billedUp - this.#billedDown
  }

  #bytesFor(balance: bigint): bigint {
    if (balance <= 0n) return 0n
    return (balance * GIB) / this.#options.pricePerGiB + 1n
  }

  async #flushNow(final: boolean): Promise<boolean> {
    const up = this.#up
    const down = this.#down
    if (up === this.#billedUp && down === this.#billedDown) return this.#balance <= 0n
    this.#sequence += 1
    const id = `${this.#info.connectionId}:${this.#sequence}`
    const charge = buildProxyCharge({
      id: `proxy:${id}`,
      accountId: this.#info.accountId,
      operatorId: this.#info.operatorId,
      nodeId: this.#info.nodeId,
      billedBytes: this.#billedUp + this.#billedDown,
      totalBytes: up + down,
      pricePerGiB: this.#options.pricePerGiB,
      operatorSharePercent: this.#options.operatorSharePercent,
    })
    const { ports } = this.#options
    if (charge.transaction !== undefined) await ports.postTransaction(charge.transaction)
    await ports.addUsage([
      {
        id,
        atMs: this.#options.now(),
        accountId: this.#info.accountId,
        nodeId: this.#info.nodeId,
        operatorId: this.#info.operatorId,
        session: this.#info.session,
        bytesUp: up - this.#billedUp,
        bytesDown: down - this.#billedDown,
        cost: charge.cost,
      },
    ])
    this.#billedUp = up
    this.#billedDown = down
    if (final) {
      this.#balances.update(this.#info.accountId, (balance) => balance - charge.cost)
      this.#balance -= charge.cost
      return this.#balance <= 0n
    }
    this.#balance = await this.#balances.refresh(this.#info.accountId)
    this.#affordableBytes = this.#bytesFor(this.#balance)
    this.#updateFlushAt()
    return this.#balance <= 0n
  }
}
