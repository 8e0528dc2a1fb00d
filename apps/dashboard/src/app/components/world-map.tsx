import { geoNaturalEarth1, geoPath } from 'd3-geo'
import type { GeoPermissibleObjects } from 'd3-geo'
import { useMemo } from 'preact/hooks'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import world from 'world-atlas/countries-110m.json' with { type: 'json' }
import { alpha2OfNumeric, countryName } from './country-names.ts'

const WIDTH = 960
const HEIGHT = 500

interface CountryShape {
  readonly alpha2: string | undefined
  readonly name: string
  readonly path: string
  readonly centroid: readonly [number, number]
}

/** The world's countries projected once (Natural Earth), from world-atlas' 110m TopoJSON. */
function projectCountries(): CountryShape[] {
  // world-atlas ships the TopoJSON as plain JSON; its shape is the Topology it documents.
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>
  const collection = feature(topology, topology.objects.countries)
  const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: 'Sphere' })
  const path = geoPath(projection)
  return collection.features.map((country) => {
    const shape: GeoPermissibleObjects = country
    const [x, y] = path.centroid(shape)
    const id = country.id === undefined ? undefined : String(country.id)
    return { alpha2: id === undefined ? undefined : alpha2OfNumeric(id), name: country.properties.name, path: path(shape) ?? '', centroid: [x, y] }
  })
}

export interface WorldMapProps {
  /** Nodes per ISO 3166-1 alpha-2 country. */
  readonly countries: readonly { readonly country: string; readonly nodes: number; readonly activeNodes: number }[]
}

/** A world map with every country that has nodes shaded and marked with its count. */
export function WorldMap({ countries }: WorldMapProps) {
  const shapes = useMemo(projectCountries, [])
  const counts = new Map(countries.map((entry) => [entry.country, entry]))
  const most = Math.max(1, ...countries.map((entry) => entry.nodes))
  const total = countries.reduce((sum, entry) => sum + entry.nodes, 0)
  const summary = countries.length === 0 ? 'no located nodes' : countries.map((entry) => `${countryName(entry.country)}: ${entry.nodes} ${entry.nodes === 1 ? 'node' : 'nodes'}`).join(', ')
  return (
    <svg class="world-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`World map of ${total} located nodes: ${summary}`} data-located-nodes={total}>
      {shapes.map((shape, index) => {
        const entry = shape.alpha2 === undefined ? undefined : counts.get(shape.alpha2)
        return (
          <path key={index} d={shape.path} class={entry === undefined ? 'country' : 'country has-nodes'} style={entry === undefined ? undefined : { fillOpacity: 0.35 + (0.65 * entry.nodes) / most }} data-country={shape.alpha2}>
            <title>{entry === undefined ? shape.name : `${shape.name}: ${entry.nodes} ${entry.nodes === 1 ? 'node' : 'nodes'} (${entry.activeNodes} active)`}</title>
          </path>
        )
      })}
      {shapes.map((shape) => {
        const entry = shape.alpha2 === undefined ? undefined : counts.get(shape.alpha2)
        if (entry === undefined || !Number.isFinite(shape.centroid[0])) return null
        return (
          <g key={`marker-${shape.alpha2 ?? ''}`} class="node-marker" data-marker-country={shape.alpha2} transform={`translate(${shape.centroid[0].toFixed(1)},${shape.centroid[1].toFixed(1)})`}>
            <circle r={8 + 8 * Math.sqrt(entry.nodes / most)} />
            <text text-anchor="middle" dy="0.35em">
              {entry.nodes}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
