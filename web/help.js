// Storm help in the page (issue 10): the toolbar's "Nearest shelter" button asks the browser for
// the position (with permission) and hands it to the core (Module._citymap_help); refused,
// unavailable or outside the map, it says so and asks from the selected place or the map's
// centre instead. <section id="help"> mirrors the core's answer (state.ui.help) as a list with
// buttons: the nearest open shelters (status, walking distance and time, "route here", "show on
// map"), the shelters of unknown status, or the flooded and closed roads nearest first. The list
// is visible while help is open. Nothing here computes anything: the core does.
import { TEXT } from './i18n.js';

const el = (tag, props = {}, children = []) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c) e.appendChild(c);
  return e;
};

export const formatMetres = (m) => (m < 1000 ? `${Math.round(m / 10) * 10} m` : `${(m / 1000).toFixed(1)} km`);

/** Asks the browser for the position: resolves {lng, lat}, or {error: 'refused'|'unavailable'}. */
export function locate(geolocation, timeoutMs = 10000) {
  return new Promise((resolve) => {
    if (!geolocation) return resolve({ error: 'unavailable' });
    geolocation.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude }),
      (e) => resolve({ error: e && e.code === 1 ? 'refused' : 'unavailable' }),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60000 },
    );
  });
}

export class HelpPanel {
  /**
   * section: the list's <section>; status: a polite live region; call(kind, lng, lat) -> '' or
   * the core's refusal; action(n): 0 close, 1 choose the start, 2 + i route to shelter i;
   * flyTo({lng, lat, zoom}); toast(message).
   */
  constructor({ section, status, call, action, flyTo, toast, geolocation }) {
    Object.assign(this, { section, status, call, action, flyTo, toast, geolocation });
    this.lang = 'en';
    this.message = '';
    this.lastKey = null;
    this.announced = '';
  }

  setLanguage(lang) {
    this.lang = lang;
    this.lastKey = null;
  }

  /** The toolbar buttons: kind 'shelters' or 'roads'. */
  async ask(kind) {
    const t = TEXT[this.lang];
    this.message = t.locating;
    this.status.textContent = t.locating;
    const at = await locate(this.geolocation);
    let message = '';
    if (at.error) {
      message = at.error === 'refused' ? t.locationRefused : t.locationUnavailable;
      this.call(kind, NaN, NaN);
    } else if (this.call(kind, at.lng, at.lat)) {
      message = t.outsideCity; // the core refused the position: outside the map
      this.call(kind, NaN, NaN);
    }
    this.message = message;
    if (message) this.toast(message);
    this.announced = '';
    this.lastKey = null;
    return message;
  }

  /** Renders state.ui.help (null: closed). */
  render(help) {
    const t = TEXT[this.lang];
    const key = JSON.stringify([this.lang, this.message, help]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const s = this.section;
    s.replaceChildren();
    s.lang = this.lang;
    s.setAttribute('aria-label', t.help);
    s.hidden = !help || (!help.mode && !help.pickingStart);
    if (s.hidden) {
      this.message = '';
      return;
    }
    const header = el('div', { className: 'help-header' }, [
      el('h2', { text: help.mode === 'roads' ? t.roadsTitle : t.sheltersTitle }),
      el('button', { type: 'button', className: 'close', text: t.closeHelp, onclick: () => this.action(0) }),
    ]);
    s.appendChild(header);
    if (this.message && this.message !== t.locating) s.appendChild(el('p', { className: 'message', text: this.message }));
    if (help.pickingStart) s.appendChild(el('p', { text: t.tapToChoose }));
    else if (help.originText) s.appendChild(el('p', { className: 'origin', text: help.originText }));
    const list = el('ul');
    const minutes = (sec) => t.minutes(Math.max(1, Math.round(sec / 60)));
    if (help.mode === 'shelters') {
      if (help.error) s.appendChild(el('p', { text: help.error }));
      else if (help.loading) s.appendChild(el('p', { text: t.loadingRoutes }));
      else if (!help.shelters.length) s.appendChild(el('p', { text: t.noShelter }));
      help.shelters.forEach((sh, i) => {
        const state = t.shelterState[sh.state] || sh.state;
        const places = sh.capacity > 0 ? `, ${t.places(sh.occupancy, sh.capacity)}` : '';
        const walk = t.walk(formatMetres(sh.metres), minutes(sh.seconds)) + (sh.straightLine ? ` (${t.straightLine})` : '');
        const item = el('li', { 'data-shelter': String(sh.id) }, [
          el('h3', { text: `${i + 1}. ${sh.name}${sh.chosen ? ` (${t.routeShown})` : ''}` }),
          el('p', { className: 'state', text: `${state}${places}` }),
          el('p', { className: 'walk', text: walk }),
          sh.chosen ? null : el('button', { type: 'button', text: t.routeHere(sh.name), onclick: () => this.action(2 + i) }),
          el('button', { type: 'button', text: t.showOnMap, 'aria-label': t.showOnMapOf(sh.name), onclick: () => this.flyTo({ lng: sh.lng, lat: sh.lat, zoom: 17 }) }),
        ]);
        list.appendChild(item);
      });
      s.appendChild(list);
      if (help.unknown.length) {
        s.appendChild(el('p', { text: t.unknownShelters }));
        const u = el('ul', { className: 'unknown' });
        for (const sh of help.unknown)
          u.appendChild(el('li', { 'data-shelter': String(sh.id), text: `${sh.name}: ${t.shelterState.unknown}, ${formatMetres(sh.straightMetres)} ${t.inStraightLine}` }));
        s.appendChild(u);
      }
    } else if (help.mode === 'roads') {
      if (!help.roads.length) s.appendChild(el('p', { text: t.noRoads }));
      for (const r of help.roads) {
        const name = r.name || r.title;
        const where = r.metres <= 0 ? '' : `, ${formatMetres(r.metres)}`;
        list.appendChild(el('li', { 'data-incident': String(r.incident) }, [
          el('h3', { text: `${name}: ${t.roadKind[r.kind] || r.kind}${where}` }),
          r.name && r.title ? el('p', { text: r.title }) : null,
          el('button', { type: 'button', text: t.showOnMap, 'aria-label': t.showOnMapOf(name), onclick: () => this.flyTo({ lng: r.lng, lat: r.lat, zoom: 17 }) }),
        ]));
      }
      s.appendChild(list);
    }
    if (help.mode) {
      const other = help.mode === 'roads' ? 'shelters' : 'roads';
      s.appendChild(el('button', { type: 'button', className: 'other', text: other === 'roads' ? t.roadsButton : t.shelterButton, onclick: () => this.ask(other) }));
    }
    s.appendChild(el('button', { type: 'button', className: 'choose', text: t.chooseStart, onclick: () => this.action(1) }));
    // One announcement per answer.
    const summary = help.mode === 'shelters' && !help.loading
      ? t.foundShelters(help.shelters.length, help.shelters[0] ? `${help.shelters[0].name}, ${formatMetres(help.shelters[0].metres)}` : '')
      : help.mode === 'roads' ? t.foundRoads(help.roads.length) : '';
    if (summary && summary !== this.announced) {
      this.announced = summary;
      this.status.textContent = summary;
    }
  }
}
