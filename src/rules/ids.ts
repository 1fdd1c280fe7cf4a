/**
 * The ids of the rule book's numbered rules, the ones findings may cite. Each has a module of its own
 * (certificate/E*.ts, handshake/T*.ts, capture/C*.ts, expressway/X*.ts) registered in index.ts; a
 * test checks that the two lists agree.
 */
export const RULE_IDS = [
  'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8',
  'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8',
  'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7',
  'X1', 'X2', 'X3', 'X4', 'X5', 'X6', 'X7', 'X8', 'X9',
] as const;

export type DomainRuleId = (typeof RULE_IDS)[number];

export function isDomainRule(id: string): id is DomainRuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}
