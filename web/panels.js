// The canvas's card and live alerts, mirrored in the DOM for screen readers and keyboards
// (issue 9): <section id="card"> holds the open feature card (a heading, the kind and a
// definition list of its rows), <section id="alerts"> the active alerts, most severe first, each
// with a "show on map" button. Both are visually hidden; the alerts' list shows itself while a
// control in it has the keyboard focus. app.js calls showCardPanel from showUi and
// showAlertsPanel from showFeed; nothing here talks to the core except window.citymap.flyTo.
import { TEXT } from './i18n.js';

let lastCardKey = null;
let lastAlertsKey = null;
let lastFeed = null;
let lastLang = null;

const el = (tag, props = {}, children = []) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'lang') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c) e.appendChild(c);
  return e;
};

/** Renders the selection (window.citymap.state.ui.selection, or null) into section#card. */
export function renderCard(section, selection, lang) {
  const text = TEXT[lang] || TEXT.en;
  section.setAttribute('aria-label', text.card);
  section.lang = lang;
  const sel = selection && selection.title ? selection : null;
  const key = sel ? JSON.stringify([lang, sel.id, sel.title, sel.subtitle, sel.kind, sel.live, sel.rows]) : '';
  if (key === lastCardKey) return false;
  lastCardKey = key;
  section.replaceChildren();
  section.hidden = !sel;
  if (!sel) return true;
  section.appendChild(el('h2', { text: sel.title }));
  if (sel.subtitle) section.appendChild(el('p', { className: 'subtitle', text: sel.subtitle }));
  if (sel.kind) section.appendChild(el('p', { className: 'kind', text: sel.kind }));
  if (sel.live) section.appendChild(el('p', { className: 'live', text: sel.live }));
  const rows = Array.isArray(sel.rows) ? sel.rows : [];
  if (rows.length) {
    const dl = el('dl');
    for (const [label, value] of rows) {
      dl.appendChild(el('dt', { text: label }));
      dl.appendChild(el('dd', { text: value }));
    }
    section.appendChild(dl);
  }
  return true;
}

const alertTitle = (a, lang) => (lang === 'vi' ? a.titleVi || a.titleEn : a.titleEn || a.titleVi) || '';

/** Renders the active alerts (window.citymap.state.feed.alerts) into section#alerts. */
export function renderAlerts(section, alerts, lang, flyTo) {
  const text = TEXT[lang] || TEXT.en;
  const list = Array.isArray(alerts) ? alerts : [];
  const key = JSON.stringify([lang, list.map((a) => [a.id, a.severity, a.kind, a.titleVi, a.titleEn, a.lng, a.lat])]);
  if (key === lastAlertsKey) return false;
  lastAlertsKey = key;
  section.setAttribute('aria-label', text.alerts);
  section.lang = lang;
  // Keep the keyboard focus on the same alert's button across updates.
  const focusedId = section.contains(document.activeElement) ? document.activeElement.getAttribute('data-alert') : null;
  const items = list.map((a) => {
    const severity = text.severity[a.severity] || text.severity.moderate;
    const kind = text.alertKind[a.kind] || '';
    const title = alertTitle(a, lang);
    const li = el('li', { 'data-severity': a.severity }, [
      el('span', { className: 'severity', text: severity }),
      kind ? el('span', { className: 'kind', text: ` · ${kind}` }) : null,
      el('span', { className: 'title', text: title ? `: ${title}` : '' }),
    ]);
    if (Number.isFinite(a.lng) && Number.isFinite(a.lat)) {
      const button = el('button', { type: 'button', text: text.showOnMap, 'data-alert': String(a.id), 'aria-label': text.showOnMapOf(title || severity) });
      button.addEventListener('click', () => flyTo({ lng: a.lng, lat: a.lat, zoom: 15 }));
      li.appendChild(button);
    }
    return li;
  });
  section.replaceChildren(el('h2', { text: text.alertsCount(list.length) }), el('ul', {}, items));
  if (focusedId !== null) section.querySelector(`button[data-alert="${CSS.escape(focusedId)}"]`)?.focus();
  return true;
}

const flyTo = (view) => window.citymap && window.citymap.flyTo && window.citymap.flyTo(view);

/** The hook of app.js's showUi: the card, and the alerts again when the language changed. */
export function showCardPanel(ui, lang) {
  const card = document.getElementById('card');
  if (card) renderCard(card, ui && ui.selection, lang);
  if (lang !== lastLang) {
    lastLang = lang;
    const alerts = document.getElementById('alerts');
    if (alerts) renderAlerts(alerts, lastFeed ? lastFeed.alerts : [], lang, flyTo);
  }
}

/** The hook of app.js's showFeed. */
export function showAlertsPanel(feed, lang) {
  lastFeed = feed;
  lastLang = lang;
  const alerts = document.getElementById('alerts');
  if (alerts) renderAlerts(alerts, feed && feed.alerts, lang, flyTo);
}
