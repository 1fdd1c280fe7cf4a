import { helpLines } from '../help.js';
import { Overlay } from './Overlay.js';

export function HelpOverlay(p: { readonly width: number; readonly height: number; readonly top: number; readonly notes: readonly string[] }) {
  return <Overlay title="Help · ekuscope view" closes="other keys close" lines={helpLines(p.width, p.notes)} width={p.width} height={p.height} top={p.top} />;
}
