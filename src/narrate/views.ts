/**
 * View models for the interactive viewer: pure functions from the analysis (sessions, messages with
 * field trees, the certificate pool) and the narration (Explanation) to read-only rows, trees and
 * lines. The TUI renders these and nothing else: no component knows what a TLS message is.
 *
 * Every string that can come from a capture or a certificate (names, field values, file names) is
 * passed through safeText here, once, so a component cannot print one raw by accident. safeText is
 * idempotent, so a renderer that escapes again does no harm.
 *
 * One module per view in views/: sessions, ladder, details, hex, narration and certificate export
 * (and the teller, which tells sessions as they are shown),
 * with the inputs and display vocabulary they share in common.
 */
export { OUTCOME_SYMBOL, OUTCOME_TONE, SEVERITY_SYMBOL, SEVERITY_TONE, captureLabel, type CaptureData, type Seg, type Tone, type ViewData } from './views/common.js';
export { buildViewModel, filterRows, sessionKey, sessionRow, type SessionEntry, type SessionRow, type StoryTeller, type ViewModel } from './views/sessions.js';
export { ladderView, type LadderRow, type LadderView } from './views/ladder.js';
export { detailsTree, findNode, flattenTree, type ByteRange, type TreeNode, type VisibleNode } from './views/details.js';
export { hexView, messageBytes, type HexLine, type HexView } from './views/hex.js';
export { findingView, narrationLines, narrationView, wrapSegs, type FindingView, type NarrationView } from './views/narration.js';
export { certificateExport, safeFileName, type CertificateExport } from './views/export.js';
export { Teller } from './views/teller.js';
