/**
 * The rule book as the Expressway stage exports it. The rules live in src/rules/ (one module per
 * rule-book rule, registered in src/rules/index.ts); the facts they read in src/rules/facts/; the
 * assessment that runs them in src/rules/assess.ts.
 */
export type { FindingSeverity, RuleFinding } from '../rules/finding.js';
export { endpointText, ekuText, certName, serialText, certSummary, alertText } from '../rules/facts/words.js';
export {
  RuleCache,
  type EndAssessment,
  type NeedLevel,
  type Need,
  type StoreCheck,
  type PresentedAssessment,
  type OutcomeStatus,
  type OutcomeAssessment,
  type Tls13Inference,
  type LogMatch,
  type SessionAssessment,
} from '../rules/facts/types.js';
export { serverKuNeed } from '../rules/facts/needs.js';
export { certificateRequestMisfits } from '../rules/facts/request.js';
export { alertMeaning, clientSpokeAfter, roleGuessText } from '../rules/facts/outcome.js';
export { captureTime } from '../rules/facts/presented.js';
export type { AssessOptions } from '../rules/facts/session.js';
export { clockAdvice } from '../rules/facts/capture.js';
export { clientStoreServices, type ServiceLoss } from '../rules/facts/audit.js';
export { assessSession, assessCapture, auditStores, handshakeKey } from '../rules/assess.js';
