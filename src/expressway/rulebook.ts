/**
 * The rule book, as the Expressway stage has always exported it: each rule id with a
 * title and what the rule says. Findings may cite only these ids (RuleFinding.rule is typed by them),
 * the report tests check that each is cited for what it says (T4, the alert-code list, only over an
 * alert), and formats that explain a rule where it is cited read its text here (narrate/rule-texts.ts).
 * The rules themselves, one module each with their explanation and logic, are in src/rules/.
 */
export { DOMAIN_RULES, RULE_IDS, allRules, isDomainRule, ruleInfo, type DomainRuleId, type RuleFamily, type RuleInfo } from '../rules/index.js';
