/**
 * Stores `value` under `key` as the newest entry of `map` (a Map iterates in insertion
 * order), then forgets the oldest entries while the map holds more than `maxEntries`.
 * The one eviction rule of the small in-memory caches on both sides (GeoIP answers,
 * ticket keys, object sizes, proxy credentials): memory stays bounded whatever the
 * stream of keys, and the entry just stored is never the one dropped (`maxEntries` ≥ 1).
 */
export function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V, maxEntries: number): void {
  map.delete(key)
  map.set(key, value)
  while (map.size > maxEntries) {
    const oldest = map.keys().next()
    if (oldest.done === true) return
    map.delete(oldest.value)
  }
}
