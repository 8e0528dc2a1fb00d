/**
 * The segments of fill each node was served (proof of storage, ADR 0012 "Verified
 * disk"). A segment is live from its issue until it is released or found lost; it counts
 * as held disk only once confirmed. Adapters: `adapters/db/kysely-storage-segment-store.ts`
 * (the one writer of `storage_segments`).
 */

export interface StorageSegment {
  readonly nodeId: string
  readonly index: number
  readonly sizeBytes: number
  readonly issuedAtMs: number
  readonly confirmedAtMs: number | null
}

export type StorageSegmentEnd = 'released' | 'lost'

export interface IssueSegmentRequest {
  readonly nodeId: string
  readonly sizeBytes: number
  /** Most live segments the node may hold (its offered disk over the segment size). */
  readonly maxSegments: number
  readonly nowMs: number
  /** Unconfirmed segments issued before this no longer count against `maxSegments`. */
  readonly pendingSinceMs: number
}

export interface StorageSegmentStore {
  /**
   * Issues the node's next segment (a new index, never reused) if it holds fewer live
   * segments than `maxSegments`; undefined when it is full. Safe under concurrent calls
   * from several replicas: an index is issued once.
   */
  issueSegment(request: IssueSegmentRequest): Promise<StorageSegment | undefined>
  /** A live segment (issued, neither released nor lost), or undefined. */
  findLiveSegment(nodeId: string, index: number): Promise<StorageSegment | undefined>
  /** Marks a live segment confirmed; false if it is not live. Confirming twice keeps the first time. */
  confirmSegment(nodeId: string, index: number, nowMs: number): Promise<boolean>
  /** Ends live segments; returns how many were live. */
  endSegments(nodeId: string, indices: readonly number[], end: StorageSegmentEnd, nowMs: number): Promise<number>
  /** The node's confirmed live segments, by index. */
  listHeldSegments(nodeId: string): Promise<readonly StorageSegment[]>
}
