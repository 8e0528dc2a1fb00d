import { render } from 'preact'
import { App } from './app.tsx'
import './styles.css'

const root = document.getElementById('app')
if (root !== null) {
  root.textContent = ''
  render(<App fetch={window.fetch.bind(window)} storage={window.sessionStorage} />, root)
}
