/** A cacheable object the origin serves and wrk hammers through each side. */
export interface BenchObject {
  readonly name: string
  readonly path: string
  readonly sizeBytes: bigint
  /** The node's req/s over nginx's that the issue asks for on a cache hit. */
  readonly targetRatio: number
}

/** The two hit workloads: small objects stress per-request overhead, large ones the body path. */
export const BENCH_OBJECTS: readonly BenchObject[] = Object.freeze([
  { name: '4KiB', path: '/obj/4k.bin', sizeBytes: 4096n, targetRatio: 0.8 },
  { name: '1MiB', path: '/obj/1m.bin', sizeBytes: 1_048_576n, targetRatio: 1.0 },
])
