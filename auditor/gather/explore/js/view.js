// What one frame shows a person now, for the explorer: every control they could press (buttons, links
// that stay on the page, switches, checkboxes and radios, through their visible label when the input is
// styled away), the layer each belongs to (its innermost dialog, modal or fixed/sticky box, across open
// shadow roots; in a child frame without one, the frame itself) with the layer's visible text, and how
// busy the page still is (pending short timers, DOM changes, running animations: see settle.py).
// Each control carries its address (child indices, a new list after every hop into a shadow root) so a
// replay in a fresh context finds the same element again.
() => {
  const MAX_CONTROLS = 400;
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const SELECTOR = 'button, a, summary, input[type=checkbox], input[type=radio], input[type=button], ' +
    'input[type=submit], [role=button], [role=link], [role=switch], [role=checkbox], [role=radio], ' +
    '[role=tab], [role=menuitem], [onclick]';
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 4 || r.height < 4) return false;
    return el.checkVisibility ? el.checkVisibility({opacityProperty: true, visibilityProperty: true}) : true;
  };
  const enabled = (el) => !el.disabled && el.getAttribute('aria-disabled') !== 'true' && !el.closest('fieldset[disabled]');
  const reachable = (el, extra) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return true;  // off screen: scrolled to on click
    let hit = el.getRootNode().elementFromPoint(x, y);
    while (hit && hit.shadowRoot && hit !== el) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    return !!hit && (hit === el || el.contains(hit) || hit.contains(el) || (extra && extra.contains(hit)));
  };
  const leavesPage = (el) => {
    if (el.tagName !== 'A' || !el.hasAttribute('href')) return false;
    if (el.target && el.target !== '_self') return true;
    if (el.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) return false;
    return el.href.split('#')[0] !== location.href.split('#')[0];
  };
  const hopsOf = (el) => {
    const hops = [];
    let node = el, chain = [];
    while (node) {
      const parent = node.parentNode;
      if (!parent) break;
      chain.unshift(Array.prototype.indexOf.call(parent.children, node));
      if (parent instanceof ShadowRoot) { hops.unshift(chain); chain = []; node = parent.host; }
      else if (parent === document) break;
      else node = parent;
    }
    hops.unshift(chain);
    return hops;
  };
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 8; n = n.parentElement) {
      let part = n.tagName.toLowerCase();
      if (n.id) { parts.unshift(part + '#' + CSS.escape(n.id)); break; }
      const p = n.parentElement;
      if (p) {
        const same = [...p.children].filter((c) => c.tagName === n.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(n) + 1) + ')';
      }
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  // Through open shadow roots: the host's path, a space, the path inside (Playwright's css pierces them).
  const fullCss = (el) => {
    const parts = [cssPath(el)];
    for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) parts.unshift(cssPath(root.host));
    return parts.join(' ');
  };
  const parentOf = (n) => n.parentElement || (n.getRootNode && n.getRootNode().host) || null;
  const isLayer = (n) => {
    if (n.tagName === 'DIALOG') return true;
    const role = n.getAttribute('role');
    if (role === 'dialog' || role === 'alertdialog' || n.getAttribute('aria-modal') === 'true') return true;
    const pos = getComputedStyle(n).position;
    return pos === 'fixed' || pos === 'sticky';
  };
  const layerCache = new Map();
  const layerOf = (n) => {
    if (!n || n.nodeType !== 1) return null;
    if (layerCache.has(n)) return layerCache.get(n);
    const found = isLayer(n) ? n : layerOf(parentOf(n));
    layerCache.set(n, found);
    return found;
  };
  const textOf = (el) => clean(el.innerText !== undefined ? el.innerText : el.textContent);
  const nameOf = (el) => {
    const ids = el.getAttribute('aria-labelledby');
    if (ids) {
      const root = el.getRootNode();
      const t = ids.split(/\s+/).map((id) => root.getElementById ? root.getElementById(id) : null)
        .filter(Boolean).map(textOf).join(' ');
      if (clean(t)) return clean(t);
    }
    if (el.getAttribute('aria-label')) return clean(el.getAttribute('aria-label'));
    if (el.labels && el.labels.length) return clean([...el.labels].map(textOf).join(' '));
    if (el.tagName === 'INPUT' && ['button', 'submit'].includes(el.type)) return clean(el.value);
    const t = textOf(el);
    if (t) return t;
    const img = el.querySelector && el.querySelector('img[alt]');
    return clean((img && img.alt) || el.getAttribute('title') || '');
  };
  const toggleKind = (el) => {
    if (el.tagName === 'INPUT' && el.type === 'checkbox') return 'checkbox';
    if (el.tagName === 'INPUT' && el.type === 'radio') return 'radio';
    const role = el.getAttribute('role');
    if (['switch', 'checkbox', 'radio'].includes(role) && el.hasAttribute('aria-checked')) return role;
    return null;
  };
  const checkedOf = (el) => el.tagName === 'INPUT' ? el.checked : el.getAttribute('aria-checked') === 'true';
  const groupOf = (el) => {  // the purpose a radio belongs to: its fieldset legend, else its name
    const fs = el.closest('fieldset');
    const legend = fs && fs.querySelector('legend');
    return clean(legend ? textOf(legend) : (el.name || ''));
  };
  // A toggle styled away is pressed through what a person sees: its label, else the visible sibling.
  const pressable = (el) => {
    if (shown(el) && reachable(el, null)) return el;
    for (const l of [...(el.labels || [])]) if (shown(l) && reachable(l, null)) return l;
    for (const s of [el.nextElementSibling, el.previousElementSibling]) if (s && shown(s) && reachable(s, el.closest('label'))) return s;
    return null;
  };

  const controls = [];
  const layers = new Map();
  const layerEntry = (layer) => {
    if (!layers.has(layer)) {
      layers.set(layer, {id: layer ? fullCss(layer) : '',
        text: clean(layer ? textOf(layer) : '').slice(0, 3000)});
    }
    return layers.get(layer).id;
  };
  let truncated = false;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (!el.matches(SELECTOR)) continue;
      if (controls.length >= MAX_CONTROLS) { truncated = true; return; }
      const toggle = toggleKind(el);
      const target = toggle ? pressable(el) : (shown(el) && reachable(el, null) ? el : null);
      if (!target || leavesPage(el)) continue;
      if (!toggle && !enabled(el)) continue;
      controls.push({
        hops: hopsOf(target), css: fullCss(target), label: nameOf(el).slice(0, 200),
        role: el.getAttribute('role') || (toggle || ({A: 'link', BUTTON: 'button', SUMMARY: 'button'}[el.tagName] || (el.tagName === 'INPUT' ? 'button' : el.tagName.toLowerCase()))),
        toggle, checked: toggle ? checkedOf(el) : null, disabled: !enabled(el),
        group: toggle === 'radio' ? groupOf(el) : null,
        in_shadow: el.getRootNode() instanceof ShadowRoot,
        expands: el.hasAttribute('aria-expanded') || el.tagName === 'SUMMARY',
        layer: layerEntry(layerOf(el)),
      });
    }
  };
  walk(document);
  let animating = false;
  try { animating = document.getAnimations().some((a) => a.playState === 'running' && a.effect &&
    isFinite(a.effect.getComputedTiming().endTime)); } catch (e) {}
  const busy = window.__exploreBusy ? window.__exploreBusy() : {timers: 0, mutations: 0};
  return {url: location.href, controls, truncated, layers: [...layers.values()],
    body_text: clean(document.body ? document.body.innerText : '').slice(0, 3000),
    timers: busy.timers, mutations: busy.mutations, animating, ready: document.readyState};
}
