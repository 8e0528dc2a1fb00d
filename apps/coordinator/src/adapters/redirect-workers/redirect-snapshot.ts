import { ObjectBudgets } from '../../metering/object-budgets.ts'
import type { FleetNode } from '../../routing/fleet-node.ts'
import { buildFleetView } from '../../routing/fleet-view.ts'
import type { FleetView } from '../../routing/fleet-view.ts'
import { ZoneDirectory } from '../../routing/zone-directory.ts'
import type { RedirectSources } from './redirect-settings.ts'
import type { SnapshotUpdate } from './redirect-worker-messages.ts'

/**
 * A redirect worker's copy of the primary's fleet view, zone directory and object budgets
 * (ADR 0016, fifth session), as `RedirectSources`. An update replaces what it carries
 * whole (the fleet view rebuilt reusing the previous one's indexes, as `FleetViewSource`
 * does), and takes effect at the next request: a request never sees half an update.
 */
export class RedirectSnapshot implements RedirectSources {
  readonly #nodes = new Map<string, FleetNode>()
  #fleet: FleetView
  #zones: ZoneDirectory
  readonly #budgets: ObjectBudgets
  #seq: number

  constructor(initial: SnapshotUpdate, budgetCapacity: number) {
    for (const node of initial.fleet?.upserts ?? []) this.#nodes.set(node.nodeId, node)
    this.#fleet = buildFleetView(this.#nodes.values())
    this.#zones = new ZoneDirectory(initial.zones ?? [])
    this.#budgets = new ObjectBudgets(budgetCapacity)
    for (const change of initial.budgets ?? []) this.#budgets.apply(change)
    this.#seq = initial.seq
  }

  /** The last update applied. */
  get seq(): number {
    return this.#seq
  }

  apply(update: SnapshotUpdate): void {
    if (update.fleet !== undefined) {
      for (const nodeId of update.fleet.removals) this.#nodes.delete(nodeId)
      for (const node of update.fleet.upserts) this.#nodes.set(node.nodeId, node)
      this.#fleet = buildFleetView(this.#nodes.values(), this.#fleet)
    }
    if (update.zones !== undefined) this.#zones = new ZoneDirectory(update.zones)
    for (const change of update.budgets ?? []) this.#budgets.apply(change)
    this.#seq = Math.max(this.#seq, update.seq)
  }

  readonly fleetView = (): FleetView => this.#fleet
  readonly zones = (): ZoneDirectory => this.#zones
  readonly perResponseBytes = (zone: string, path: string): bigint | undefined => this.#budgets.perResponseBytes(zone, path)
}
