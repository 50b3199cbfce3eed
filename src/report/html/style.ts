/**
 * The page's CSS: one stylesheet for screen and print. Print shows everything expanded, in the
 * language the page is switched to, without the buttons.
 */
export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--met:#1a7f37;--not-met:#cf222e;--unknown:#9a6700;
--l0:#e9ecef;--l1:#c7e9c0;--l2:#a1d99b;--l3:#74c476;--l4:#31a354;--l5:#006d2c}
*{box-sizing:border-box}
[id]{scroll-margin-top:3.5rem}
html{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;color:var(--fg);background:var(--bg);font-size:15px;line-height:1.45}
body{margin:0 auto;max-width:1320px;padding:0 20px 40px}
html[data-lang="en"] .zh,html[data-lang="zh"] .en{display:none!important}
h1{font-size:1.6rem;margin:.4rem 0 .6rem}h2{font-size:1.25rem;margin:1.6rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem}h4{font-size:1rem;margin:.2rem 0}h5{font-size:.9rem;margin:.6rem 0 .2rem;color:var(--muted)}
a{color:#0969da}code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
.muted{color:var(--muted)}.warning{background:#fff8c5;padding:.4rem .6rem;border-radius:4px}
.toolbar{display:none;gap:.4rem;align-items:center;justify-content:flex-end;padding:.6rem 0;position:sticky;top:0;background:var(--bg);z-index:2;border-bottom:1px solid var(--line)}
.js .toolbar{display:flex}
.toolbar button{font:inherit;font-size:.85rem;padding:.2rem .7rem;border:1px solid var(--line);border-radius:4px;background:var(--soft);cursor:pointer}
.toolbar button[aria-pressed="true"]{background:#0969da;color:#fff;border-color:#0969da}
.toc{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:.9rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0 0 .6rem;font-size:.9rem}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.4rem 0}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}th{background:var(--soft)}
.num{text-align:right;white-space:nowrap}
ul.plain{list-style:none;margin:0;padding:0}
.status{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.82em;font-weight:600;white-space:nowrap;border:1px solid currentColor}
.st-met,.cs-ok{color:var(--met)}.st-not_met,.cs-failed,.st-failed{color:var(--not-met)}.st-unknown,.cs-partial,.st-not_available,.st-not_observed,.st-not_configured{color:var(--unknown)}.st-observed{color:var(--met)}
.verdict{font-weight:700}.v-confirmed{color:var(--met)}.v-contradicted{color:var(--not-met)}.v-unverified{color:var(--unknown)}
.charts{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,7fr);gap:1.5rem;align-items:start}
@media (max-width:1100px){.charts{grid-template-columns:1fr}}
figure{margin:0}figure h2{margin-top:.8rem}figcaption,.chart-legend{font-size:.82rem;color:var(--muted)}
svg.chart{width:100%;height:auto;font-size:13px}
.radar-grid polygon{fill:none;stroke:var(--line)}.radar-grid line{stroke:var(--line)}
.radar-mean{fill:rgba(49,163,84,.35);stroke:var(--l4);stroke-width:2}.radar-min{fill:none;stroke:#0969da;stroke-width:2}
.radar-ceiling{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:5 4}.radar-dot{fill:var(--l5)}
.radar-ring-label{font-size:10px;fill:var(--muted)}.radar-figures{font-size:11px;fill:var(--muted)}
.key{display:inline-block;width:14px;height:10px;margin:0 .25rem 0 .6rem;vertical-align:middle}
.key-mean{background:rgba(49,163,84,.35);border:2px solid var(--l4)}.key-min{border:2px solid #0969da}.key-ceiling{border:2px dashed var(--muted)}
.heat-domain{font-size:13px;fill:var(--fg)}.radar-name{font-size:14px;fill:var(--fg)}
.cell .cell-bg{stroke:#fff;stroke-width:1}.cell:hover .cell-bg,.cell:focus .cell-bg{stroke:var(--fg);stroke-width:2}
.cell-id{font-size:13px;font-weight:700;fill:var(--fg)}.cell-lc{font-size:12px;fill:var(--fg)}
.lvl-0 .cell-bg{fill:var(--l0)}.lvl-1 .cell-bg{fill:var(--l1)}.lvl-2 .cell-bg{fill:var(--l2)}.lvl-3 .cell-bg{fill:var(--l3)}.lvl-4 .cell-bg{fill:var(--l4)}.lvl-5 .cell-bg{fill:var(--l5)}
.lvl-4 text,.lvl-5 text{fill:#fff}
.mark{stroke:var(--fg);stroke-width:.8}.mark-reached{fill:var(--fg)}.mark-open{fill:#fff}.mark-blocked{fill:none;stroke:#8c959f;stroke-dasharray:1 2}
.lvl-4 .mark,.lvl-5 .mark{stroke:#fff}.lvl-4 .mark-reached,.lvl-5 .mark-reached{fill:#fff}.lvl-4 .mark-open,.lvl-5 .mark-open{fill:#fff;fill-opacity:.35}
.lvl-badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-weight:600;font-size:.85em;color:var(--fg)}
.lvl-badge.lvl-0{background:var(--l0)}.lvl-badge.lvl-1{background:var(--l1)}.lvl-badge.lvl-2{background:var(--l2)}.lvl-badge.lvl-3{background:var(--l3)}.lvl-badge.lvl-4{background:var(--l4);color:#fff}.lvl-badge.lvl-5{background:var(--l5);color:#fff}
ul.legend{font-size:.88rem;color:var(--muted);margin:.2rem 0}
details.item{border:1px solid var(--line);border-radius:6px;margin:.35rem 0}
details.item>summary{cursor:pointer;padding:.45rem .7rem;background:var(--soft);border-radius:6px}
details.item[open]>summary{border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
.item-id{font-weight:700}.counts{float:right;font-size:.85rem}.counts span{margin-left:.5rem}
.item-body{padding:.3rem .9rem .8rem}
.criterion{border-left:4px solid var(--line);padding:.3rem .7rem;margin:.7rem 0}
.criterion.st-met{border-left-color:var(--met)}.criterion.st-not_met{border-left-color:var(--not-met)}.criterion.st-unknown{border-left-color:var(--unknown)}
.criterion,.criterion p,.criterion dd{color:var(--fg)}.criterion p{margin:.2rem 0}.crit-id{font-family:ui-monospace,Menlo,Consolas,monospace}
.criterion dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.3rem 0;font-size:.9rem}.criterion dt{color:var(--muted)}.criterion dd{margin:0}
.explanation{font-size:.9rem}
.attestation{background:var(--soft);padding:.3rem .6rem;border-radius:4px;font-size:.88rem}.attestation.expired{background:#ffebe9}
tr.expired td{background:#fff5f4}
.signal{margin:.4rem 0 .6rem;font-size:.9rem}.signal .desc{color:var(--muted)}
table.evidence{font-size:.78rem}table.evidence code.url{word-break:break-all}
code.digest{font-size:.75rem;word-break:break-all}
details.excerpt pre{white-space:pre-wrap;word-break:break-all;max-height:16rem;overflow:auto;background:var(--soft);padding:.4rem;font-size:.75rem}
footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}
@media print{
  html{font-size:10pt}body{max-width:none;padding:0}
  .toolbar,.toc,.no-print{display:none!important}
  details::details-content{content-visibility:visible;display:contents}
  details>summary{list-style:none}details>summary::-webkit-details-marker{display:none}
  details.excerpt pre{max-height:none;overflow:visible}
  a{color:inherit;text-decoration:none}
  h2,h3,h4,summary{break-after:avoid}.criterion,tr,figure{break-inside:avoid}
  thead{display:table-header-group}
  .charts{grid-template-columns:1fr}#radar{max-width:75%;display:block;margin:0 auto}
}
`;
