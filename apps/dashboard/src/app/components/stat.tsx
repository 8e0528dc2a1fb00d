import type { ComponentChildren } from 'preact'

/** One labelled number in a stats grid; the value always carries its unit. */
export function Stat({ label, value, hint }: { readonly label: string; readonly value: ComponentChildren; readonly hint?: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
      {hint === undefined ? null : <small>{hint}</small>}
    </div>
  )
}
