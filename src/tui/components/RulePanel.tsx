import type { DomainRuleId } from '../../expressway/rulebook.js';
import { rulePanelLines } from '../rule-panel.js';
import { Filler, Line, Pane } from './Pane.js';

/** The explanation of the rules the narration cites (key r), over the panes; Esc closes it. */
export function RulePanel(p: { readonly ids: readonly DomainRuleId[]; readonly width: number; readonly height: number; readonly top: number }) {
  const inner = p.width - 2;
  const lines = rulePanelLines(p.ids, inner - 1);
  const count = p.height - 2;
  const more = lines.length > count;
  const shown = lines.slice(p.top, p.top + count);
  const title = `Rule${p.ids.length === 1 ? '' : 's'} ${p.ids.join(', ')}${more ? ` · ${p.top + 1}–${p.top + shown.length} of ${lines.length}, ↑↓ scroll` : ''} · Esc closes`;
  return (
    <Pane title={title} width={p.width} height={p.height} focused>
      {shown.map((l, i) => (
        <Line key={p.top + i} segs={l} width={inner} />
      ))}
      <Filler count={Math.max(0, count - shown.length)} width={inner} />
    </Pane>
  );
}
