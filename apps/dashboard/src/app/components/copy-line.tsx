import { useState } from 'preact/hooks'

/** A command or value to paste elsewhere, with a Copy button that says when it worked. */
export function CopyLine({ label, text }: { readonly label: string; readonly text: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied('copied')
    } catch {
      setCopied('failed')
    }
  }
  return (
    <div class="copy-line">
      <code aria-label={label}>{text}</code>
      <button type="button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
        {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Select and copy' : 'Copy'}
      </button>
    </div>
  )
}
