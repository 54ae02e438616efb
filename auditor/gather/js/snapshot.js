// One call gathers a whole page snapshot: every interactive element and form field as a person would
// perceive it, across open shadow roots and same-origin iframes. Colour layers are returned raw; the
// compositing and WCAG contrast are computed in Python with coloraide (auditor/gather/colour.py).
// Argument: the acted-on element (or null); the result says which entry it is.
(target) => {
  const MAX_ELEMENTS = 5000;
  const MAX_TEXT = 200000;
  const INTERACTIVE = 'a[href], button, input:not([type="hidden"]), textarea, select, summary, ' +
    '[role="button"], [role="link"], [role="switch"], [role="checkbox"], [role="radio"], ' +
    '[role="menuitem"], [role="tab"], [role="option"], [onclick]';
  const PROSE_BLOCKS = new Set(['P', 'LI', 'DD', 'TD', 'BLOCKQUOTE', 'FIGCAPTION', 'SPAN', 'DIV', 'SECTION', 'ARTICLE']);
  const IMPLICIT_ROLE = { A: 'link', BUTTON: 'button', TEXTAREA: 'textbox', SELECT: 'combobox', SUMMARY: 'button' };
  const INPUT_ROLE = { checkbox: 'checkbox', radio: 'radio', submit: 'button', button: 'button', reset: 'button',
    image: 'button', range: 'slider', search: 'searchbox' };
  const topWin = window;
  const vw = topWin.innerWidth, vh = topWin.innerHeight;
  const elements = [];
  const refs = [];  // the recorded DOM nodes, by index: auditor/gather/pixels.py reads pixels behind a few
  let targetIndex = null;
  let truncated = false;
  const extraText = [];

  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  // Position among same-tag siblings (0: the only one), computed once per parent: a feed with thousands
  // of children must not cost a scan of all siblings per element (tests/test_hostile_e2e.py, huge DOM).
  const nthCache = new Map();
  const nthOfType = (n) => {
    let seen = nthCache.get(n.parentElement);
    if (!seen) {
      seen = { index: new Map(), count: new Map() };
      for (const c of n.parentElement.children) {
        const k = (seen.count.get(c.tagName) || 0) + 1;
        seen.count.set(c.tagName, k);
        seen.index.set(c, k);
      }
      nthCache.set(n.parentElement, seen);
    }
    return seen.count.get(n.tagName) > 1 ? seen.index.get(n) : 0;
  };
  // el.labels scans the whole document on every call; map each tree's labels to their controls once.
  const labelMaps = new Map();
  const labelsOf = (el) => {
    const root = el.getRootNode();
    let map = labelMaps.get(root);
    if (!map) {
      map = new Map();
      for (const l of (root.querySelectorAll ? root.querySelectorAll('label') : [])) {
        const c = l.control;
        if (c) map.set(c, [...(map.get(c) || []), l]);
      }
      labelMaps.set(root, map);
    }
    return map.get(el) || [];
  };
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 8; n = n.parentElement) {
      let part = n.tagName.toLowerCase();
      if (n.id) { parts.unshift(part + '#' + CSS.escape(n.id)); break; }
      const nth = n.parentElement ? nthOfType(n) : 0;
      if (nth) part += ':nth-of-type(' + nth + ')';
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const textOf = (el) => clean(el.innerText !== undefined ? el.innerText : el.textContent);
  const labelOf = (el) => {
    const doc = el.ownerDocument;
    const ids = el.getAttribute('aria-labelledby');
    if (ids) {
      const t = ids.split(/\s+/).map((id) => doc.getElementById(id)).filter(Boolean).map(textOf).join(' ');
      if (t) return clean(t);
    }
    if (el.getAttribute('aria-label')) return clean(el.getAttribute('aria-label'));
    const labels = labelsOf(el);
    if (labels.length) return clean(labels.map(textOf).join(' '));
    const wrap = el.closest('label');
    if (wrap) return textOf(wrap);
    return null;
  };
  const roleOf = (el) => {
    const explicit = el.getAttribute('role');
    if (explicit) return explicit.split(/\s+/)[0];
    if (el.tagName === 'INPUT') return INPUT_ROLE[(el.type || 'text').toLowerCase()] || 'textbox';
    return IMPLICIT_ROLE[el.tagName] || '';
  };
  const nameOf = (el, text, label) => {
    if (label) return label;
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) return clean(el.value);
    if (text) return text;
    const img = el.querySelector && el.querySelector('img[alt]');
    if (img) return clean(img.alt);
    return clean(el.getAttribute('title') || el.getAttribute('placeholder') || '');
  };
  // Memoised per node: computed style, the parent a person would see (across shadow hosts and out of a
  // same-origin iframe into the <iframe> element), paint layers and overflow clips.
  const styles = new Map();
  const styleOf = (n) => {
    let cs = styles.get(n);
    if (!cs) { cs = n.ownerDocument.defaultView.getComputedStyle(n); styles.set(n, cs); }
    return cs;
  };
  const parentOf = (n) => {
    if (n.parentElement) return n.parentElement;
    const root = n.getRootNode ? n.getRootNode() : null;
    if (root && root.host) return root.host;
    if (n === n.ownerDocument.documentElement) {
      try { return n.ownerDocument.defaultView.frameElement || null; } catch (e) { return null; }
    }
    return null;
  };
  const TRANSPARENT = (c) => !c || c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c) || /\/\s*0\)$/.test(c);
  const painted = (c, image) => !TRANSPARENT(c) || image;
  // A ::before/::after of a positioned box that covers the box (a "wash"): a plain sheet over the text, or
  // under it (negative z-index). {at: 'above' | 'below', paint: {c, o, image}} or null.
  const washOf = (n, which) => {
    const ps = n.ownerDocument.defaultView.getComputedStyle(n, which);
    if (!ps || ps.content === 'none' || ps.content === 'normal' || ps.display === 'none' ||
      ps.visibility === 'hidden' || !['absolute', 'fixed'].includes(ps.position)) return null;
    const image = ps.backgroundImage && ps.backgroundImage !== 'none';
    if (!painted(ps.backgroundColor, image)) return null;
    const o = parseFloat(ps.opacity || '1');
    if (!(o > 0.02)) return null;
    const r = n.getBoundingClientRect();
    if (!(parseFloat(ps.width) >= r.width * 0.9 && parseFloat(ps.height) >= r.height * 0.9)) return null;
    const z = parseInt(ps.zIndex, 10);
    return { at: z < 0 ? 'below' : 'above',
      paint: { c: TRANSPARENT(ps.backgroundColor) ? null : ps.backgroundColor, o, image: image || undefined } };
  };
  // {c: background colour or null, o: opacity, image, f: filter, blend: mix-blend-mode} of a node that
  // paints, fades or changes colours; null for one that does none of these.
  const ownLayerCache = new Map();
  const ownLayer = (n) => {
    if (ownLayerCache.has(n)) return ownLayerCache.get(n);
    const cs = styleOf(n);
    const o = parseFloat(cs.opacity || '1');
    const bg = TRANSPARENT(cs.backgroundColor) ? null : cs.backgroundColor;
    const image = cs.backgroundImage && cs.backgroundImage !== 'none';
    const f = cs.filter && cs.filter !== 'none' ? cs.filter : undefined;
    const blend = cs.mixBlendMode && cs.mixBlendMode !== 'normal' ? cs.mixBlendMode : undefined;
    const layer = (bg || o < 1 || image || f || blend) ?
      { c: bg, o: isNaN(o) ? 1 : o, image: image || undefined, f, blend } : null;
    ownLayerCache.set(n, layer);
    return layer;
  };
  // The layers of the node and every ancestor, innermost first, up to the top document: enough to
  // composite text and background in Python (auditor/gather/colour.py).
  const layerCache = new Map();
  const layersOf = (n) => {
    if (!n) return [];
    let layers = layerCache.get(n);
    if (layers) return layers;
    const own = ownLayer(n);
    const rest = layersOf(parentOf(n));
    layers = own ? [own, ...rest] : rest;
    layerCache.set(n, layers);
    return layers;
  };
  // The layers behind (and over) the text held by ``host``, with the ::before/::after washes that cover
  // it: a wash of a box paints over that box's in-flow content, but a positioned box (or one with opacity,
  // a transform or a filter) between the text and the wash may paint above it. With such a box at
  // z-index auto or 0 only a later ::after still covers the text; with any other, no wash higher up does.
  const washCache = new Map();
  const washesOf = (n) => {
    if (!washCache.has(n)) washCache.set(n, ['::before', '::after'].map((which) => washOf(n, which)));
    return washCache.get(n);
  };
  const seenLayersOf = (host) => {
    const out = [];
    let afterOnly = false, blocked = false;
    for (let n = host; n; n = parentOf(n)) {
      const cs = styleOf(n);
      const own = ownLayer(n);
      const positioned = cs.position !== 'static';
      let above = [], below = [];
      if (positioned && !blocked) {
        const [before, after] = washesOf(n);
        for (const wash of afterOnly ? [after] : [before, after]) {
          if (wash && wash.at === 'above') above.push(wash.paint);
          else if (wash && !own) below.push(wash.paint);  // under an own fill, order would matter: skipped
        }
      }
      if (above.length || below.length) {
        out.push({ ...(own || { c: null, o: 1 }), above: above.length ? above : undefined,
          below: below.length ? below : undefined });
      } else if (own) out.push(own);
      const stacks = positioned || parseFloat(cs.opacity) < 1 || cs.transform !== 'none' || cs.filter !== 'none';
      if (stacks) {
        if (cs.position === 'fixed' || !['auto', '0'].includes(cs.zIndex)) blocked = true;
        else afterOnly = true;
      }
    }
    return out;
  };
  // A fill is a background that differs from what is behind it: a white "button" on a white banner
  // looks like text, not like a button.
  const hasFill = (el, cs) => {
    if (cs.backgroundImage && cs.backgroundImage !== 'none') return true;
    if (TRANSPARENT(cs.backgroundColor)) return false;
    const behind = layersOf(parentOf(el)).find((l) => l.c);
    return cs.backgroundColor !== (behind ? behind.c : 'rgb(255, 255, 255)');
  };
  // filter: opacity() fades a group as opacity does.
  const FILTER_OPACITY = /opacity\(([\d.]+)(%?)\)/g;
  const filterOpacity = (f) => [...(f || '').matchAll(FILTER_OPACITY)]
    .reduce((acc, m) => acc * Math.min(1, parseFloat(m[1]) / (m[2] ? 100 : 1)), 1);
  const opacityOf = (el) => layersOf(el).reduce((acc, l) => acc * l.o * filterOpacity(l.f), 1);
  const clipCache = new Map();
  // The rectangle (in the node's own document's viewport) that ancestors with overflow clipping leave
  // visible, or null when nothing clips. Fixed-position boxes escape their ancestors' clips.
  const clipOf = (n) => {
    if (!n) return null;
    if (clipCache.has(n)) return clipCache.get(n);
    const cs = styleOf(n);
    let clip = null;
    if (cs.position !== 'fixed') {
      const p = n.parentElement || (n.getRootNode && n.getRootNode().host) || null;
      if (p) {
        clip = clipOf(p);
        const pcs = styleOf(p);
        if (pcs.overflowX !== 'visible' || pcs.overflowY !== 'visible') {
          const r = p.getBoundingClientRect();
          clip = intersect(clip, { left: r.left, top: r.top, right: r.right, bottom: r.bottom });
        }
      }
    }
    clipCache.set(n, clip);
    return clip;
  };
  const intersect = (a, b) => {
    if (!a) return b;
    if (!b) return a;
    return { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
      right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
  };
  const shift = (r, dx, dy) => r && { left: r.left + dx, top: r.top + dy, right: r.right + dx, bottom: r.bottom + dy };
  const hasArea = (r) => !!r && r.right - r.left > 0 && r.bottom - r.top > 0;
  const inProse = (el, text) => {
    const cs = el.ownerDocument.defaultView.getComputedStyle(el);
    if (!cs.display.startsWith('inline') || cs.display === 'inline-block' && cs.backgroundColor !== 'rgba(0, 0, 0, 0)') return false;
    for (let n = el.parentElement; n; n = n.parentElement) {
      const d = n.ownerDocument.defaultView.getComputedStyle(n).display;
      if (d.startsWith('inline')) continue;
      return PROSE_BLOCKS.has(n.tagName) && textOf(n).length >= text.length + 40;
    }
    return false;
  };
  // Whether the point (x, y) of el, in its own document's viewport, shows another element on top.
  const coveredInFrame = (el, root, x, y) => {
    const win = el.ownerDocument.defaultView;
    if (x < 0 || y < 0 || x > win.innerWidth || y > win.innerHeight) return false;
    const hit = (root.elementFromPoint ? root : el.ownerDocument).elementFromPoint(x, y);
    if (!hit || hit === el || el.contains(hit)) return false;
    if (labelsOf(el).some((l) => l === hit || l.contains(hit))) return false;
    if (hit.shadowRoot && hit.shadowRoot.contains(el)) return false;
    if (hit.contains(el) && !['DIALOG'].includes(hit.tagName)) {
      // A parent is hit: the element has pointer-events:none or is not painted there.
      return win.getComputedStyle(el).pointerEvents !== 'none' ? false : true;
    }
    return true;
  };
  // Covered at (x, y) in its own document, or (inside an iframe) the iframe itself is covered there.
  const coveredAt = (el, root, ctx, x, y) => {
    if (coveredInFrame(el, root, x, y)) return true;
    for (let f = ctx.frame, tx = x + ctx.dx, ty = y + ctx.dy; f; f = f.ctx.frame) {
      const fx = tx - (f.ctx.dx), fy = ty - (f.ctx.dy);
      const doc = f.el.ownerDocument;
      const fwin = doc.defaultView;
      if (fx < 0 || fy < 0 || fx > fwin.innerWidth || fy > fwin.innerHeight) return false;
      const froot = f.el.getRootNode();
      const hit = (froot.elementFromPoint ? froot : doc).elementFromPoint(fx, fy);
      if (hit && hit !== f.el && !(hit.shadowRoot && hit.shadowRoot.contains(f.el)) && !hit.contains(f.el)) return true;
    }
    return false;
  };
  const covered = (el, r, root, ctx) => coveredAt(el, root, ctx, r.left + r.width / 2, r.top + r.height / 2);
  // A sticky bar or chat widget over part of a control, not its centre, still hides it from a person:
  // the share of a grid of points across the control (centre, near the corners and edges) that lie under
  // another element, of those inside the viewport; null when none is.
  const SAMPLE_X = [0.1, 0.3, 0.5, 0.7, 0.9], SAMPLE_Y = [0.2, 0.5, 0.8];
  const coveredFraction = (el, r, root, ctx) => {
    const win = el.ownerDocument.defaultView;
    let seen = 0, under = 0;
    for (const fy of SAMPLE_Y) {
      for (const fx of SAMPLE_X) {
        const x = r.left + r.width * fx, y = r.top + r.height * fy;
        if (x < 0 || y < 0 || x > win.innerWidth || y > win.innerHeight) continue;
        seen += 1;
        if (coveredAt(el, root, ctx, x, y)) under += 1;
      }
    }
    return seen ? Math.round((under / seen) * 100) / 100 : null;
  };
  const inClosedDetails = (el) => {
    for (let n = parentOf(el); n && n.ownerDocument === el.ownerDocument; n = parentOf(n)) {
      if (n.tagName === 'DETAILS' && !n.open) {
        const summary = n.querySelector(':scope > summary');
        return !(summary && (summary === el || summary.contains(el)));
      }
    }
    return false;
  };

  // The layer an element belongs to: its innermost dialog, modal or fixed/sticky box (a banner, a
  // settings panel over the page), or '' for the page itself. A control is compared with its rival in
  // the same layer: an 'Accept all' under an open settings panel is not what the panel's 'Reject all'
  // competes with.
  const layerOfCache = new Map();
  const layerNodes = new Map();  // layer path -> {node, ctx}: the layers elements sit in, measured after the walk
  const isLayer = (n) => {
    if (n.tagName === 'DIALOG') return true;
    const role = n.getAttribute('role');
    if (role === 'dialog' || role === 'alertdialog' || n.getAttribute('aria-modal') === 'true') return true;
    const pos = styleOf(n).position;
    return pos === 'fixed' || pos === 'sticky';
  };
  const layerNode = (n) => {
    for (; n && n.nodeType === 1; n = parentOf(n)) if (isLayer(n)) return n;
    return null;
  };
  const layerOf = (n) => {
    if (!n || n.nodeType !== 1) return '';
    if (layerOfCache.has(n)) return layerOfCache.get(n);
    const layer = isLayer(n) ? cssPath(n) : layerOf(parentOf(n));
    layerOfCache.set(n, layer);
    return layer;
  };
  // A checkbox or radio styled away (opacity 0, clipped to 1 px, covered by a slider) is still perceived
  // through its label or switch: is any of its labels painted with an area?
  const labelVisible = (el) => {
    const labels = [...labelsOf(el)];
    const wrap = el.closest('label');
    if (wrap && !labels.includes(wrap)) labels.push(wrap);
    return labels.some((l) => {
      const r = l.getBoundingClientRect();
      return r.width > 1 && r.height > 1 && (l.checkVisibility ? l.checkVisibility({ opacityProperty: true,
        visibilityProperty: true }) : true);
    });
  };
  // A master switch ("toggle all", "select all") sets the others: not a purpose of its own.
  const MASTER = /(^|[-_\s])(toggle|select|check|enable|disable)?[-_]?all($|[-_\s])/i;
  const isMaster = (el) => {
    for (let n = el, i = 0; n && i < 3; n = n.parentElement, i += 1) {
      if (MASTER.test(n.id || '') || MASTER.test(typeof n.className === 'string' ? n.className : '') ||
        MASTER.test(n.getAttribute('name') || '')) return true;
    }
    return false;
  };

  // The words a person sees on a control: innerText keeps screen-reader-only text ("Personalizza
  // (finestra modale)", a clipped 1 px span), so text in a part painted with no area, clipped away or
  // fully transparent is dropped. Plain text-only controls (most) take the innerText as it is.
  const SR_ONLY_CLIP = /rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)|inset\(50%\)/;
  const hiddenPart = (n) => {
    const cs = styleOf(n);
    if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return true;
    if (SR_ONLY_CLIP.test(cs.clip || '') || SR_ONLY_CLIP.test(cs.clipPath || '')) return true;
    const r = n.getBoundingClientRect();
    return cs.position === 'absolute' && (r.width <= 1 || r.height <= 1);
  };
  // Also the node holding most of those words: its colour is the text's (a light <span> in a dark button).
  const seenTextOf = (el, text) => {
    if (!el.firstElementChild || !text) return { text, host: el };
    const parts = [];
    const weight = new Map();
    let dropped = false;
    const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      let hidden = false;
      for (let n = t.parentElement; n && n !== el.parentElement; n = n.parentElement) {
        if (n !== el && hiddenPart(n)) { hidden = true; break; }
      }
      if (hidden) dropped = dropped || !!t.textContent.trim();
      else {
        parts.push(t.textContent);
        const n = t.textContent.trim().length;
        if (n) weight.set(t.parentElement, (weight.get(t.parentElement) || 0) + n);
      }
    }
    let host = el, most = 0;
    for (const [n, w] of weight) if (w > most) { host = n; most = w; }
    return { text: dropped ? clean(parts.join(' ')) : text, host };
  };

  const record = (el, ctx) => {
    if (elements.length >= MAX_ELEMENTS) { truncated = true; return; }
    const win = el.ownerDocument.defaultView;
    const cs = styleOf(el);
    const r = el.getBoundingClientRect();
    const x = r.left + ctx.dx + topWin.scrollX, y = r.top + ctx.dy + topWin.scrollY;
    const closedDetails = inClosedDetails(el);
    const visible = r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' &&
      !closedDetails && (el.checkVisibility ? el.checkVisibility() : true) && ctx.visible;
    const fullText = el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' ? '' : textOf(el);
    const { text, host } = seenTextOf(el, fullText);
    const hcs = styleOf(host);
    const label = labelOf(el);
    const isField = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    const entry = {
      index: elements.length,
      tag: el.tagName.toLowerCase(),
      role: roleOf(el),
      text: text.slice(0, 500),
      name: nameOf(el, fullText, label).slice(0, 500),
      href: el.tagName === 'A' ? el.href : null,
      box: { x, y, width: r.width, height: r.height },
      visible,
      in_viewport: visible && hasArea(intersect(shift(intersect(
        { left: r.left, top: r.top, right: r.right, bottom: r.bottom }, clipOf(el)), ctx.dx, ctx.dy), ctx.clip)),
      color: hcs.webkitTextFillColor || hcs.color,
      bg_layers: seenLayersOf(host),
      text_shadow: hcs.textShadow && hcs.textShadow !== 'none' ? hcs.textShadow : undefined,
      text_clip: hcs.backgroundClip === 'text' || hcs.webkitBackgroundClip === 'text' || undefined,
      font_size: parseFloat(cs.fontSize) || 0,
      font_weight: parseInt(cs.fontWeight, 10) || 400,
      opacity: opacityOf(el),
      text_decoration: cs.textDecorationLine || '',
      has_fill: hasFill(el, cs),
      has_border: ['Top', 'Right', 'Bottom', 'Left'].some((s) => parseFloat(cs['border' + s + 'Width']) > 0 &&
        cs['border' + s + 'Style'] !== 'none' && !/rgba\([^)]*,\s*0\)$/.test(cs['border' + s + 'Color'])),
      cursor: cs.cursor,
      in_prose: visible && inProse(el, text),
      covered: visible && covered(el, r, el.getRootNode(), ctx),
      covered_fraction: visible && hasArea(r) ? coveredFraction(el, r, el.getRootNode(), ctx) : null,
      in_shadow: el.getRootNode() instanceof win.ShadowRoot,
      in_iframe: ctx.inIframe,
      in_closed_details: closedDetails,
      disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true',
      type: el.tagName === 'INPUT' ? (el.type || 'text') : (el.tagName === 'TEXTAREA' ? 'textarea' : null),
      label,
      placeholder: el.getAttribute('placeholder'),
      required: !!el.required || el.getAttribute('aria-required') === 'true',
      minlength: isField && el.minLength > 0 ? el.minLength : null,
      maxlength: isField && el.maxLength > 0 ? el.maxLength : null,
      value: isField ? String(el.value || '').slice(0, 500) : null,
      checked: el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type) ? el.checked :
        (el.getAttribute('aria-checked') !== null ? el.getAttribute('aria-checked') === 'true' : null),
      path: cssPath(el),
      layer: layerOf(el),
      label_visible: el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type) ? labelVisible(el) : null,
      master_toggle: (el.tagName === 'INPUT' && el.type === 'checkbox') || roleOf(el) === 'switch' ? isMaster(el) : false,
    };
    if (entry.layer && !layerNodes.has(entry.layer)) layerNodes.set(entry.layer, { node: layerNode(el), ctx });
    if (el === target) targetIndex = entry.index;
    elements.push(entry);
    refs.push(el);
    if (entry.in_viewport && entry.name) probes.push({ el, entry, host });
  };

  // What is painted over a control's text: a translucent backdrop or sheet (even one with pointer-events:
  // none, which clicks and elementFromPoint ignore) washes out text and background alike. One hit test per
  // visible named control at its text's centre, with pointer events forced on by a stylesheet that exists
  // only during this loop; every painting element above the control, topmost first, is a "veil".
  const probes = [];
  const MEDIA = ['IMG', 'SVG', 'CANVAS', 'VIDEO', 'svg', 'IFRAME'];
  const ALPHA = /^rgba?\([^)]*[,/]\s*([\d.]+)(%?)\)$/;
  const alphaOf = (c) => { const m = ALPHA.exec(c || ''); return m ? parseFloat(m[1]) / (m[2] ? 100 : 1) : 1; };
  const paintOf = (hit) => {
    const cs = styleOf(hit);
    const o = opacityOf(hit);
    if (o <= 0.02 || cs.visibility === 'hidden') return null;
    const c = TRANSPARENT(cs.backgroundColor) ? null : cs.backgroundColor;
    const image = (cs.backgroundImage && cs.backgroundImage !== 'none') || MEDIA.includes(hit.tagName) || undefined;
    const backdrop = (cs.backdropFilter && cs.backdropFilter !== 'none') || undefined;
    if (c || image || backdrop) return { c, o, image, backdrop };
    const ownText = Array.from(hit.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    return ownText ? { c: null, o, text: true } : null;
  };
  const veilsOver = (el, host, root, doc) => {
    let r = host.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) r = el.getBoundingClientRect();
    const stack = (root.elementsFromPoint ? root : doc).elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const veils = [];
    let covered = false;
    for (const hit of stack) {
      if (hit === el || hit.contains(el) || (hit.shadowRoot && hit.shadowRoot.contains(el))) break;
      if (el.contains(hit) || labelsOf(el).some((l) => l === hit || l.contains(hit))) continue;
      const paint = paintOf(hit);
      if (!paint) continue;
      covered = true;
      if (paint.text) continue;  // words of another element over the control: covered, not a sheet
      // An opaque cover hides the control: "covered" says so, and its colour is not the text's contrast.
      if (!paint.image && !paint.backdrop && paint.o * alphaOf(paint.c) >= 0.99) return { covered, veils: [] };
      veils.push(paint);
    }
    return { covered, veils };
  };
  const probeOverlays = () => {
    const byDoc = new Map();
    for (const p of probes) {
      const doc = p.el.ownerDocument;
      if (!byDoc.has(doc)) byDoc.set(doc, []);
      byDoc.get(doc).push(p);
    }
    for (const [doc, list] of byDoc) {
      const style = doc.createElement('style');
      style.textContent = '*, *::before, *::after { pointer-events: auto !important; }';
      try {
        (doc.head || doc.documentElement).appendChild(style);
        for (const { el, entry, host } of list) {
          const { covered, veils } = veilsOver(el, host, el.getRootNode(), doc);
          if (covered) entry.covered = true;
          if (veils.length) entry.overlay = veils;
        }
      } catch (e) {
        // a page that forbids inline styles (CSP) keeps the first hit test's answer
      } finally {
        style.remove();
      }
    }
  };

  // What blocks the page, measured on the layers themselves: each layer's box and modality, the share of
  // the viewport it lies over (with its backdrop), whether the page can scroll, and what hides the content
  // outside the layers. One grid of hit tests across the top viewport: the cost does not grow with the DOM.
  const GRID_COLS = 8, GRID_ROWS = 6;
  const within = (n, ancestor) => {
    for (let x = n; x; x = parentOf(x)) if (x === ancestor) return true;
    return false;
  };
  // The element on top at (x, y) of the top viewport, through open shadow roots and same-origin frames.
  const topHit = (x, y) => {
    let hit = document.elementFromPoint(x, y);
    for (let depth = 0; hit && depth < 8; depth += 1) {
      const inner = hit.shadowRoot && hit.shadowRoot.elementFromPoint ? hit.shadowRoot.elementFromPoint(x, y) : null;
      if (inner && inner !== hit) { hit = inner; continue; }
      if (hit.tagName !== 'IFRAME' && hit.tagName !== 'FRAME') break;
      let doc = null;
      try { doc = hit.contentDocument; } catch (e) { doc = null; }
      if (!doc) break;
      const r = hit.getBoundingClientRect(), cs = styleOf(hit);
      x -= r.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
      y -= r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop);
      const framed = doc.elementFromPoint(x, y);
      if (!framed) break;
      hit = framed;
    }
    return hit;
  };
  // A backdrop: an empty positioned sheet (no children, no text, not a control or a picture) that catches
  // the clicks meant for the page.
  const isSheet = (n) => !n.firstElementChild && !(n.textContent || '').trim() && !MEDIA.includes(n.tagName) &&
    !n.matches(INTERACTIVE) && ['absolute', 'fixed'].includes(styleOf(n).position);
  const isRoot = (n) => n === n.ownerDocument.body || n === n.ownerDocument.documentElement;
  // A box around the layer that paints over the page: itself positioned out of the flow, or through a
  // fixed ::before/::after (vanilla-cookieconsent's overlay is a .cm-wrapper::before).
  const pseudoBackdrop = (n) => ['::before', '::after'].some((which) => {
    const ps = n.ownerDocument.defaultView.getComputedStyle(n, which);
    return ps.position === 'fixed' && ps.content !== 'none' && ps.content !== 'normal' && ps.visibility !== 'hidden';
  });
  const wraps = (n) => !isRoot(n) && (isLayer(n) || ['absolute', 'fixed'].includes(styleOf(n).position) ||
    pseudoBackdrop(n));
  // The layer's own area, a box holding it (a fixed wrapper painting around a dialog), or a backdrop.
  // A wrapper or backdrop counts only for the layers that are shown (a hidden layer sits over nothing).
  const blocksFor = (hit, m) => within(hit, m.node) ||
    (m.shown && ((within(m.node, hit) && wraps(hit)) || isSheet(hit)));
  const isModal = (node) => {
    for (let n = node; n && n.nodeType === 1; n = parentOf(n)) {
      if (n.getAttribute('aria-modal') === 'true') return true;
      try { if (n.tagName === 'DIALOG' && n.matches(':modal')) return true; } catch (e) { /* no :modal */ }
    }
    return false;
  };
  const BLUR = /blur\(/;
  const holdsText = (n) => (n.textContent || '').trim().length >= 80;
  // What hides page content at a node: a blur filter over text, inert or aria-hidden, a block cut short
  // by a max-height or faded out by a mask gradient; memoised up the ancestor chain.
  const hiddenByCache = new Map();
  const hiddenBy = (n) => {
    if (!n || n.nodeType !== 1) return [];
    if (hiddenByCache.has(n)) return hiddenByCache.get(n);
    const cs = styleOf(n);
    const own = [];
    if (BLUR.test(cs.filter || '') && holdsText(n)) own.push('blur');
    if (n.inert || n.getAttribute('aria-hidden') === 'true') own.push('inert');
    const clipped = ['hidden', 'clip'].includes(cs.overflowY) && cs.maxHeight !== 'none' &&
      n.scrollHeight > n.clientHeight + 8;
    const masked = /gradient/.test(cs.maskImage || cs.webkitMaskImage || '');
    if ((clipped || masked) && holdsText(n)) own.push('truncated');
    const flags = [...new Set([...own, ...hiddenBy(parentOf(n))])];
    hiddenByCache.set(n, flags);
    return flags;
  };
  const backdropBlurred = (n) => {
    for (; n && n.nodeType === 1; n = parentOf(n)) if (BLUR.test(styleOf(n).backdropFilter || '')) return true;
    return false;
  };
  const scrollLocks = (n) => !!n && ['hidden', 'clip'].includes(styleOf(n).overflowY);
  const blockingFacts = () => {
    const measured = [...layerNodes].filter(([, v]) => v.node).map(([path, { node, ctx }]) => {
      const r = node.getBoundingClientRect();
      const shown = r.width > 1 && r.height > 1 && (node.checkVisibility ? node.checkVisibility() : true);
      return { path, node, ctx, shown, hits: 0 };
    });
    const obscured = new Set();
    let points = 0;
    for (let j = 0; j < GRID_ROWS; j += 1) {
      for (let i = 0; i < GRID_COLS; i += 1) {
        const x = (i + 0.5) * vw / GRID_COLS, y = (j + 0.5) * vh / GRID_ROWS;
        points += 1;
        const hit = topHit(x, y);
        if (hit) {
          let blocked = false;
          for (const m of measured) if (blocksFor(hit, m)) { m.hits += 1; blocked = true; }
          if (blocked && backdropBlurred(hit)) obscured.add('blur');
        }
        const content = document.elementsFromPoint(x, y).find((e) => !isRoot(e) && layerOf(e) === '');
        if (content) for (const flag of hiddenBy(content)) obscured.add(flag);
      }
    }
    // Inert content takes no hit tests at all: found by the attribute, if it holds text in view.
    for (const n of document.querySelectorAll('[inert]')) {
      const r = n.getBoundingClientRect();
      if (layerOf(n) === '' && r.bottom > 0 && r.top < vh && r.right > 0 && r.left < vw && holdsText(n)) {
        obscured.add('inert');
        break;
      }
    }
    const body = document.body;
    const scrollLocked = scrollLocks(document.documentElement) || scrollLocks(body) ||
      (!!body && styleOf(body).position === 'fixed');
    const layers = measured.map(({ path, node, ctx, hits }) => {
      const r = node.getBoundingClientRect(), cs = styleOf(node);
      const z = parseInt(cs.zIndex, 10);
      return { path, box: { x: r.left + ctx.dx + topWin.scrollX, y: r.top + ctx.dy + topWin.scrollY,
        width: r.width, height: r.height }, position: cs.position, aria_modal: isModal(node),
      role: node.getAttribute('role') || (node.tagName === 'DIALOG' ? 'dialog' : ''), z_index: isNaN(z) ? null : z,
      viewport_share: Math.round((hits / points) * 100) / 100 };
    });
    return { layers, scrollLocked, obscured: ['blur', 'inert', 'truncated'].filter((f) => obscured.has(f)) };
  };

  const walk = (root, ctx) => {
    const all = root.querySelectorAll('*');
    for (const el of all) {
      if (el.matches(INTERACTIVE)) record(el, ctx);
      if (el.shadowRoot) {
        extraText.push(clean(Array.from(el.shadowRoot.children).map(textOf).join(' ')));
        walk(el.shadowRoot, ctx);
      }
      if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') {
        let doc = null;
        try { doc = el.contentDocument; } catch (e) { doc = null; }
        if (doc && doc.body) {
          const r = el.getBoundingClientRect();
          const cs = el.ownerDocument.defaultView.getComputedStyle(el);
          const dx = ctx.dx + r.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
          const dy = ctx.dy + r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop);
          extraText.push(textOf(doc.body));
          const inner = { left: dx, top: dy, right: dx + el.clientWidth, bottom: dy + el.clientHeight };
          const clip = intersect(intersect(inner, shift(clipOf(el), ctx.dx, ctx.dy)), ctx.clip);
          walk(doc, { dx, dy, inIframe: true, clip, frame: { el, ctx },
            visible: ctx.visible && r.width > 0 && r.height > 0 && styleOf(el).visibility !== 'hidden' });
        }
      }
    }
  };
  walk(document, { dx: 0, dy: 0, inIframe: false, visible: true, frame: null,
    clip: { left: 0, top: 0, right: vw, bottom: vh } });
  const blocking = blockingFacts();  // before probeOverlays: hit tests with the page's own pointer-events
  probeOverlays();
  topWin[Symbol.for('consent-audit.snapshot-elements')] = refs;
  const body = document.body;
  let text = clean((body ? body.innerText : '') + ' ' + extraText.join(' '));
  if (text.length > MAX_TEXT) { text = text.slice(0, MAX_TEXT); truncated = true; }
  const scroller = document.scrollingElement || document.documentElement;
  return {
    url: location.href,
    title: document.title,
    viewport: { x: topWin.scrollX, y: topWin.scrollY, width: vw, height: vh },
    page_width: scroller ? scroller.scrollWidth : vw,
    page_height: scroller ? scroller.scrollHeight : vh,
    text,
    elements,
    layers: blocking.layers,
    scroll_locked: blocking.scrollLocked,
    content_obscured: blocking.obscured,
    target_index: targetIndex,
    truncated,
  };
}
