// The search box: an <input type="search"> with a results list in the DOM, following the ARIA
// combobox pattern (role=combobox with aria-expanded, aria-controls and aria-activedescendant;
// a role=listbox of role=option items). Vietnamese input methods (Telex, VNI, the OS's IME)
// compose a letter over several key presses: nothing is searched between compositionstart and
// compositionend, only the composed text. The query runs in the core (citymap_search, a few
// milliseconds); choosing a result hands its entry to the core, which flies there.
export class SearchBox {
  /**
   * input: the <input>, list: the <ul>, status: an element for "no results" and the like,
   * search(query) -> [{entry, title, detail}], choose(entry), text: the UI texts (TEXT[lang]),
   * pending() -> a message while the search cannot answer yet (the index is loading or failed),
   * else null.
   */
  constructor({ input, list, status, search, choose, text, pending = () => null }) {
    Object.assign(this, { input, list, status, search, choose, text, pending });
    this.results = [];
    this.active = -1;
    this.composing = false;
    this.queries = 0; // how many queries ran (tests check that none ran mid-composition)
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    list.setAttribute('role', 'listbox');
    input.addEventListener('compositionstart', () => {
      this.composing = true;
    });
    input.addEventListener('compositionend', () => {
      this.composing = false;
      this.run();
    });
    input.addEventListener('input', (e) => {
      if (this.composing || e.isComposing) return;
      this.run();
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('focus', () => {
      if (this.results.length) this.open(true);
    });
    // Focus elsewhere (Tab, a click on the map): the list closes.
    input.addEventListener('blur', () => this.open(false));
    list.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus in the input
  }

  setText(text) {
    this.text = text;
    this.input.placeholder = text.searchPlaceholder;
    this.input.setAttribute('aria-label', text.searchLabel);
    this.list.setAttribute('aria-label', text.searchResults);
    if (this.input.value) this.run();
  }

  /** Runs the current query again (the index has just loaded, the language changed). */
  refresh() {
    if (this.input.value && !this.composing) this.run();
  }

  run() {
    const q = this.input.value.trim();
    this.queries += 1;
    this.results = q ? this.search(q) : [];
    this.render(q);
  }

  render(q) {
    this.list.textContent = '';
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    this.results.forEach((r, i) => {
      const li = document.createElement('li');
      li.id = `search-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const title = document.createElement('span');
      title.className = 'title';
      title.textContent = r.title;
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = r.detail;
      li.append(title, detail);
      li.addEventListener('click', () => this.pick(i));
      this.list.appendChild(li);
    });
    const waiting = q ? this.pending() : null;
    this.status.textContent = waiting || (q && !this.results.length ? this.text.searchNone : '');
    this.open(this.results.length > 0);
  }

  open(yes) {
    this.list.hidden = !yes;
    this.input.setAttribute('aria-expanded', String(yes));
  }

  highlight(i) {
    const items = this.list.children;
    if (this.active >= 0 && items[this.active]) items[this.active].setAttribute('aria-selected', 'false');
    this.active = i;
    if (i >= 0 && items[i]) {
      items[i].setAttribute('aria-selected', 'true');
      this.input.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  onKey(e) {
    // keyCode 229: a key the input method handles (Safari sends the Enter that commits a
    // composition after compositionend).
    if (this.composing || e.isComposing || e.keyCode === 229) return;
    const n = this.results.length;
    if (e.key === 'ArrowDown' && n) {
      e.preventDefault();
      this.open(true);
      this.highlight((this.active + 1) % n);
    } else if (e.key === 'ArrowUp' && n) {
      e.preventDefault();
      this.open(true);
      this.highlight((this.active - 1 + n) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (n) this.pick(this.active >= 0 ? this.active : 0);
    } else if (e.key === 'Escape') {
      // Closes the list, then clears the text; with nothing to do, Esc goes on to the page
      // (which closes the card).
      if (!this.list.hidden) this.open(false);
      else if (this.input.value) {
        this.input.value = '';
        this.run();
      } else return;
      e.stopPropagation();
    }
  }

  pick(i) {
    const r = this.results[i];
    if (!r) return;
    this.input.value = r.title;
    this.open(false);
    this.choose(r.entry);
  }
}
