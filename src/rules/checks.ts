/** Placeholder filled in as the rules' logic moves here. */
export interface RuleChecks {}
