import type { DomainRuleId } from '../../narrate/rule-help.js';
import { rulePanelLines } from '../rule-panel.js';
import { Overlay } from './Overlay.js';

/** The explanation of the rules the narration cites (key r), over the panes; Esc closes it. */
export function RulePanel(p: { readonly ids: readonly DomainRuleId[]; readonly width: number; readonly height: number; readonly top: number }) {
  const title = `Rule${p.ids.length === 1 ? '' : 's'} ${p.ids.join(', ')}`;
  return <Overlay title={title} closes="Esc closes" lines={rulePanelLines(p.ids, p.width - 3)} width={p.width} height={p.height} top={p.top} />;
}
