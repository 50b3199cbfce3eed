/**
 * The page's only script (allowed by its hash in the Content-Security-Policy): the language
 * switch, opening the item a link points to, expand/collapse all, and everything open for print.
 * Without it the page still reads, in the language it was written with.
 */
export const SCRIPT = `(function () {
  var root = document.documentElement;
  root.classList.add('js');
  function setLang(lang) {
    root.setAttribute('data-lang', lang);
    root.setAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
    document.title = root.getAttribute('data-title-' + lang) || document.title;
    var buttons = document.querySelectorAll('[data-set-lang]');
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-set-lang') === lang));
  }
  function openTo(id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var p = el; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
    el.scrollIntoView();
  }
  function all(open) {
    var ds = document.querySelectorAll('details');
    for (var i = 0; i < ds.length; i++) ds[i].open = open;
  }
  document.addEventListener('click', function (e) {
    var t = e.target;
    var button = t.closest && t.closest('[data-set-lang]');
    if (button) return setLang(button.getAttribute('data-set-lang'));
    if (t.closest && t.closest('[data-expand]')) return all(true);
    if (t.closest && t.closest('[data-collapse]')) return all(false);
    var a = t.closest && t.closest('a');
    var href = a && a.getAttribute('href');
    if (href && href.charAt(0) === '#') openTo(decodeURIComponent(href.slice(1)));
  });
  window.addEventListener('hashchange', function () { openTo(decodeURIComponent(location.hash.slice(1))); });
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { closed.forEach(function (d) { d.open = false; }); closed = []; });
  setLang(root.getAttribute('data-lang') || 'en');
  if (location.hash) openTo(decodeURIComponent(location.hash.slice(1)));
})();`;
