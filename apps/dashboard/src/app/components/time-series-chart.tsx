import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  readonly label: string
  /** One value per time; null where there is no data. */
  readonly values: readonly (number | null)[]
}

export interface TimeSeriesChartProps {
  /** Heading and accessible name of the chart. */
  readonly title: string
  /** Seconds since the epoch, ascending. */
  readonly times: readonly number[]
  readonly series: readonly ChartSeries[]
  /** Formats a value with its unit, for the axis, the legend and the data table. */
  readonly formatValue: (value: number) => string
  readonly height?: number
  /** What to say while there is nothing to draw; default "No data in this period yet." */
  readonly emptyText?: string
}

/** Colours that read on both light and dark backgrounds. */
const PALETTE = ['#2f7ff5', '#e8803a', '#2bb673', '#c04fd0', '#d94a4a', '#8a8f98'] as const

function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')
}

/**
 * A time series drawn by uPlot (canvas), with a data table beside it for screen
 * readers and for anyone who wants the exact numbers.
 */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const holder = useRef<HTMLDivElement>(null)
  const { title, times, series, formatValue, height = 220, emptyText = 'No data in this period yet.' } = props
  const isEmpty = times.length === 0 || series.length === 0

  useEffect(() => {
    const element = holder.current
    if (element === null || isEmpty) return
    const ink = getComputedStyle(element).color
    const grid = getComputedStyle(element).getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)'
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: ink, grid: { stroke: grid } },
        { stroke: ink, grid: { stroke: grid }, size: 80, values: (_u, splits) => splits.map((value) => formatValue(value)) },
      ],
      series: [
        { label: 'time (UTC)', value: (_u, value) => formatTime(value) },
        ...series.map((line, index) => ({
          label: line.label,
          stroke: PALETTE[index % PALETTE.length] ?? '#2f7ff5',
          width: 2,
          points: { show: true, size: 6 },
          value: (_u: uPlot, value: number | null) => (value === null ? '—' : formatValue(value)),
        })),
      ],
    }
    const data: uPlot.AlignedData = [Array.from(times), ...series.map((line) => Array.from(line.values))]
    const chart = new uPlot(options, data, element)
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(240, element.clientWidth), height }))
    observer.observe(element)
    return () => {
      observer.disconnect()
      chart.destroy()
    }
  }, [times, series, formatValue, height, isEmpty])

  return (
    <figure class="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {isEmpty ? <p class="empty">{emptyText}</p> : <div ref={holder} class="chart-canvas" role="img" aria-label={`${title}: chart, the same numbers are in the table below`} />}
      {isEmpty ? null : (
        <details>
          <summary>Data table</summary>
          <table>
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">time (UTC)</th>
                {series.map((line) => (
                  <th scope="col" key={line.label}>
                    {line.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {times.map((time, row) => (
                <tr key={time}>
                  <th scope="row">{formatTime(time)}</th>
                  {series.map((line) => {
                    const value = line.values[row]
                    return <td key={line.label}>{value === null || value === undefined ? '—' : formatValue(value)}</td>
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  )
}
