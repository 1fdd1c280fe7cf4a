/**
 * One verdict, worded by the rule that decided it: several rules' modules register the same maker
 * through `citing`, and each emits the finding only where it cites that rule. The maker runs once per
 * facts object, whichever rule asks first.
 */
import type { RuleFinding } from './finding.js';

type Maker = (f: never) => RuleFinding | undefined;
const made = new WeakMap<object, Map<Maker, RuleFinding | undefined>>();

/**
 * A check that emits `make`'s finding only where it cites `rule`: one verdict, worded by the rule
 * that decided it. The verdict is made once per chain, whichever of the rules asks first.
 */
export function citing<F extends object>(rule: RuleFinding['rule'], make: (f: F) => RuleFinding | undefined): (f: F) => RuleFinding | undefined {
  return (f: F) => {
    let m = made.get(f);
    if (!m) made.set(f, (m = new Map()));
    if (!m.has(make as Maker)) m.set(make as Maker, make(f));
    const x = m.get(make as Maker);
    return x?.rule === rule ? x : undefined;
  };
}
