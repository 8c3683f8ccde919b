// The map's controls for keyboards and screen readers (issue 9): the ImGui panels are drawn in
// the canvas, out of the keyboard's reach, so <section id="map-controls"> offers the same
// actions as DOM controls: a checkbox per layer group (state.ui.hidden), zoom in and out, north
// up and "close the card". It sits after the toolbar in the tab order, is visually hidden and
// shows itself as a panel while one of its controls has the focus.
import { TEXT } from './i18n.js';

// The layer groups as the core names them (ui::groupKey), in the panel's order.
export const GROUPS = ['water', 'landuse', 'buildings', 'roads', 'railways', 'admin', 'transit', 'ioc', 'pois', 'labels', 'overlay'];
// input::Key values (core/input/gestures.hpp) handed to citymap_key.
export const KEYS = { zoomIn: 4, zoomOut: 5, resetNorth: 8 };

/** The hidden-groups string after `group` is turned on or off in `hidden` ("a,b"). */
export function toggleHidden(hidden, group, visible) {
  const set = new Set(String(hidden || '').split(',').filter(Boolean));
  if (visible) set.delete(group);
  else set.add(group);
  return GROUPS.filter((g) => set.has(g)).join(',');
}

export class MapControls {
  /** section: the <section>; api: {setHidden(csv), key(k), closeCard()}. */
  constructor(section, api) {
    this.section = section;
    this.api = api;
    this.hidden = '';
    this.lang = null;
    this.boxes = new Map();
  }

  render(lang) {
    const text = TEXT[lang] || TEXT.en;
    this.lang = lang;
    this.section.replaceChildren();
    this.section.setAttribute('aria-label', text.controls);
    this.section.lang = lang;
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = text.layers;
    fieldset.appendChild(legend);
    this.boxes.clear();
    GROUPS.forEach((g, i) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `layer-${g}`;
      box.checked = !this.hidden.split(',').includes(g);
      box.addEventListener('change', () => this.api.setHidden(toggleHidden(this.hidden, g, box.checked)));
      label.append(box, ` ${text.groups[i]}`);
      fieldset.appendChild(label);
      this.boxes.set(g, box);
    });
    this.section.appendChild(fieldset);
    const button = (id, label, onClick) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = id;
      b.textContent = label;
      b.addEventListener('click', onClick);
      this.section.appendChild(b);
    };
    button('zoom-in', text.zoomIn, () => this.api.key(KEYS.zoomIn));
    button('zoom-out', text.zoomOut, () => this.api.key(KEYS.zoomOut));
    button('north-up', text.northUp, () => this.api.key(KEYS.resetNorth));
    button('close-card', text.closeCard, () => this.api.closeCard());
  }

  /** Follows the core's state (state.ui): the language and the hidden groups. */
  update(ui) {
    if (!ui) return;
    if (ui.lang !== this.lang) {
      this.hidden = ui.hidden || '';
      this.render(ui.lang);
      return;
    }
    if ((ui.hidden || '') === this.hidden) return;
    this.hidden = ui.hidden || '';
    const off = this.hidden.split(',');
    for (const [g, box] of this.boxes) box.checked = !off.includes(g);
  }
}
