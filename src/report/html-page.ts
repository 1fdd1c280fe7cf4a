/**
 * The HTML report's page: its one stylesheet and one script, both inline, and the
 * Content-Security-Policy that allows exactly those two (by their SHA-256, computed here when the page
 * is made) and nothing else: no network, no other script or style, no form, no base URL.
 *
 * The script only folds and unfolds <details> (all at once, before printing, and the one a link
 * points into); the page reads the same without it.
 */
import { createHash } from 'node:crypto';

export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1c2430;--muted:#5b6675;--line:#d6dbe2;--soft:#eef1f5;--accent:#1f5fbf;
--err:#b42318;--err-bg:#fdecea;--warn:#9a5b00;--warn-bg:#fff4df;--info:#1f5fbf;--info-bg:#e8f0fc;--ok:#1d7a3a;--ok-bg:#e6f4ea;--ctl:#8a1c7c;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
@media (prefers-color-scheme:dark){:root{--bg:#12161c;--card:#1a2029;--fg:#e3e8ef;--muted:#9aa5b4;--line:#323b47;--soft:#222a35;--accent:#7fb0ff;
--err:#ff8a80;--err-bg:#3a1d1d;--warn:#f5c060;--warn-bg:#35290f;--info:#8ab4f8;--info-bg:#1b2a40;--ok:#7bd88f;--ok-bg:#16301f;--ctl:#f0a0e0}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 var(--sans);overflow-wrap:break-word}
h1,h2,h3,p,li,dd,summary{overflow-wrap:anywhere}
header.top{background:var(--card);border-bottom:1px solid var(--line)}
.wrap{max-width:1200px;margin:0 auto;padding:0 24px}
header.top .wrap{padding-top:18px;padding-bottom:14px}
.brand{font:600 12px/1 var(--mono);letter-spacing:.08em;text-transform:uppercase;color:var(--muted)}
h1{font-size:24px;line-height:1.25;margin:6px 0 8px}
h2{font-size:19px;line-height:1.3;margin:0 0 10px}
h3{font-size:16px;margin:18px 0 8px}
h4,h5,h6{font-size:14px;margin:16px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.meta{color:var(--muted);font-size:13px;margin:0;display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center}
.legend span{white-space:nowrap}
button{font:inherit;font-size:13px;color:var(--fg);background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:3px 10px;cursor:pointer}
button:hover{border-color:var(--accent)}
main.wrap{padding-top:20px;padding-bottom:40px}
section.s1{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:0 0 18px}
section.s1 section.s1,section.s2 section.s1{border:0;padding:0;background:none}
section.s2{border-top:1px solid var(--line);margin-top:18px;padding-top:14px}
section.session{border-left:5px solid var(--line)}
section.s2.session{padding-left:16px}
section.session{content-visibility:auto;contain-intrinsic-size:auto 900px}
section.session:has(> p:first-of-type .sev-error){border-left-color:var(--err)}
section.session:has(> p:first-of-type .sev-warning){border-left-color:var(--warn)}
section.session:has(> p:first-of-type .sev-ok){border-left-color:var(--ok)}
section.session:has(> p:first-of-type .sev-info){border-left-color:var(--info)}
p{margin:8px 0}
ul{margin:8px 0;padding-left:22px}
li{margin:3px 0}
a{color:var(--accent)}
code,.mono{font:13px/1.4 var(--mono)}
code{background:var(--soft);border-radius:4px;padding:0 4px}
pre{font:13px/1.45 var(--mono);background:var(--soft);padding:10px 12px;border-radius:6px;overflow-x:auto}
.frames{color:var(--muted);font-size:13px;white-space:nowrap}
.ctl{font:12px var(--mono);color:var(--ctl);background:var(--soft);border:1px dashed var(--ctl);border-radius:3px;padding:0 2px}
.sym{font-weight:700}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}.sev-ok{color:var(--ok)}
.table-wrap{overflow-x:auto;margin:10px 0}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid var(--line)}
th{white-space:nowrap;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:var(--soft)}
tbody tr:hover{background:var(--soft)}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:10px 0;font-size:14px}
dl.kv dt{font-weight:600;color:var(--muted)}
dl.kv dd{margin:0}
details{margin:4px 0}
summary{cursor:pointer}
summary:focus-visible,a:focus-visible,button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
details.cert>summary{list-style:none;display:flex;gap:6px}
details.cert>summary::-webkit-details-marker{display:none}
details.cert>summary::before{content:"▸";color:var(--accent)}
details.cert[open]>summary::before{content:"▾"}
details.cert>dl.kv{background:var(--soft);border-radius:6px;padding:8px 10px;font-size:13px;min-width:min(560px,80vw)}
details.fold{border:1px solid var(--line);border-radius:8px;padding:6px 12px;margin:12px 0}
details.fold[open]>summary{margin-bottom:6px}
ul.findings{list-style:none;padding:0}
li.finding{border:1px solid var(--line);border-left:5px solid var(--line);border-radius:8px;padding:8px 12px;margin:8px 0;background:var(--card)}
li.finding.sev-error{border-left-color:var(--err);color:inherit}
li.finding.sev-warning{border-left-color:var(--warn);color:inherit}
li.finding.sev-info{border-left-color:var(--info);color:inherit}
li.finding.sev-ok{border-left-color:var(--ok);color:inherit}
.fhead{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}
.fhead .title{font-weight:600}
.badge{font:700 11px/1.6 var(--sans);letter-spacing:.05em;border-radius:4px;padding:0 6px;white-space:nowrap;border:1px solid currentColor}
.badge.sev-error{background:var(--err-bg)}.badge.sev-warning{background:var(--warn-bg)}.badge.sev-info{background:var(--info-bg)}.badge.sev-ok{background:var(--ok-bg)}
a.rule{font:600 12px var(--mono);text-decoration:none;border:1px solid var(--line);border-radius:4px;padding:0 5px;background:var(--soft)}
.fix{border-top:1px dashed var(--line);padding-top:6px}
.fix strong{color:var(--ok)}
.ladder-wrap{overflow-x:auto;margin:12px 0;border:1px solid var(--line);border-radius:8px;background:var(--card)}
svg.ladder{display:block;margin:0 auto;width:100%;min-width:600px;max-width:820px;height:auto;font-family:var(--sans)}
svg.ladder text{fill:var(--fg);font-size:13px}
svg.ladder text.end{font-weight:700;font-size:14px}
svg.ladder text.fr{fill:var(--muted);font:12px var(--mono)}
svg.ladder text.note{fill:var(--muted);font-size:11.5px}
svg.ladder .life{stroke:var(--line);stroke-width:2}
svg.ladder .arrow{stroke:var(--fg);stroke-width:1.6}
svg.ladder .head{fill:var(--fg)}
svg.ladder .arrow.muted{stroke:var(--muted);stroke-dasharray:5 4}
svg.ladder .head.muted{fill:var(--muted)}
svg.ladder .arrow.warn{stroke:var(--warn)}svg.ladder .head.warn{fill:var(--warn)}
svg.ladder .arrow.bad{stroke:var(--err);stroke-width:2.4}
svg.ladder .cross{stroke:var(--err);stroke-width:2.6}
svg.ladder .bad text.label,svg.ladder .rej{fill:var(--err);font-weight:700}
svg.ladder .warn text.label{fill:var(--warn)}
svg.ladder .band-bad{fill:var(--err-bg)}
svg.ladder .band-rejected{fill:var(--warn-bg)}
svg.ladder tspan.ctl{fill:var(--ctl);font-family:var(--mono)}
dl.rules>div{padding:8px 0;border-bottom:1px solid var(--line)}
dl.rules dt{font-weight:600}
dl.rules dd{margin:2px 0 0}
dl.rules>div:target{background:var(--info-bg)}
footer{color:var(--muted);font-size:13px;text-align:center;padding:0 0 30px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){
body{font-size:14px}
.wrap{padding:0 12px}
section.s1{padding:12px 12px}
h1{font-size:20px}
table.stack thead{display:none}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack tr{border-bottom:1px solid var(--line);padding:6px 0}
table.stack td{border:0;padding:2px 4px}
table.stack td::before{content:attr(data-label);display:inline-block;min-width:6.5em;font-size:11px;text-transform:uppercase;color:var(--muted)}
dl.kv{grid-template-columns:1fr}
dl.kv dd{margin-bottom:6px}
}
@media print{
:root{color-scheme:light;--bg:#fff;--card:#fff;--fg:#000;--muted:#444;--line:#bbb;--soft:#f2f2f2;--accent:#1f5fbf;
--err:#b42318;--err-bg:#fdecea;--warn:#9a5b00;--warn-bg:#fff4df;--info:#1f5fbf;--info-bg:#e8f0fc;--ok:#1d7a3a;--ok-bg:#e6f4ea;--ctl:#8a1c7c}
body{font-size:11pt;background:#fff}
.noprint{display:none!important}
header.top{border:0}
section.s1{border:1px solid #bbb;break-inside:auto}
li.finding,svg.ladder,dl.kv>div,tr{break-inside:avoid}
h2,h3,h4{break-after:avoid}
.ladder-wrap,.table-wrap{overflow:visible}
table{font-size:9pt}
details.cert>dl.kv{min-width:0;grid-template-columns:max-content minmax(0,1fr)}
code{word-break:break-all}
section.session{content-visibility:visible}
a{color:inherit;text-decoration:none}
}
`;

export const PAGE_SCRIPT = `
(function(){var d=document;
function all(o){d.querySelectorAll('details').forEach(function(e){e.open=o})}
function reveal(){var h=location.hash.slice(1),t=h&&d.getElementById(h);for(var e=t;e;e=e.parentElement)if(e.tagName==='DETAILS')e.open=true;if(t)t.scrollIntoView()}
d.querySelectorAll('[data-all]').forEach(function(b){b.hidden=false;b.addEventListener('click',function(){all(b.getAttribute('data-all')==='open')})});
var closed=[];
addEventListener('beforeprint',function(){closed=[].slice.call(d.querySelectorAll('details:not([open])'));closed.forEach(function(e){e.open=true})});
addEventListener('afterprint',function(){closed.forEach(function(e){e.open=false});closed=[]});
addEventListener('hashchange',reveal);reveal();
})();
`;

/** 'sha256-…' of a text, as a CSP source expression. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The policy: nothing by default; the page's own style and script by hash; no base, no form; and no
 * string may become markup or code from a script (Trusted Types: the page's script writes none).
 */
export function contentSecurityPolicy(style = PAGE_STYLE, script = PAGE_SCRIPT): string {
  return `default-src 'none'; style-src ${cspHash(style)}; script-src ${cspHash(script)}; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'`;
}
