// One call gathers a whole page snapshot: every interactive element and form field as a person would
// perceive it, across open shadow roots and same-origin iframes. Colour layers are returned raw; the
// compositing and WCAG contrast are computed in Python with coloraide (auditor/colour.py).
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
  let targetIndex = null;
  let truncated = false;
  const extraText = [];

  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 8; n = n.parentElement) {
      let part = n.tagName.toLowerCase();
      if (n.id) { parts.unshift(part + '#' + CSS.escape(n.id)); break; }
      const parent = n.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.tagName === n.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(n) + 1) + ')';
      }
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
    if (el.labels && el.labels.length) return clean(Array.from(el.labels).map(textOf).join(' '));
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
  const bgLayers = (el) => {
    // Own background first, then ancestors', up to the first opaque one (crossing shadow hosts).
    const layers = [];
    for (let n = el; n; n = n.parentElement || (n.getRootNode && n.getRootNode().host) || null) {
      const cs = n.ownerDocument.defaultView.getComputedStyle(n);
      const bg = cs.backgroundColor;
      if (cs.backgroundImage && cs.backgroundImage !== 'none' && layers.length === 0) layers.push('image');
      if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
        layers.push(bg);
        const m = bg.match(/rgba?\(([^)]+)\)/);
        const parts = m ? m[1].split(/[ ,/]+/).filter(Boolean) : [];
        if (parts.length < 4 || parseFloat(parts[3]) >= 1) break;
      }
    }
    return layers;
  };
  const opacityOf = (el) => {
    let o = 1;
    for (let n = el; n; n = n.parentElement || (n.getRootNode && n.getRootNode().host) || null) {
      o *= parseFloat(n.ownerDocument.defaultView.getComputedStyle(n).opacity || '1');
    }
    return o;
  };
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
  const covered = (el, r, root) => {
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const win = el.ownerDocument.defaultView;
    if (cx < 0 || cy < 0 || cx > win.innerWidth || cy > win.innerHeight) return false;
    const hit = (root.elementFromPoint ? root : el.ownerDocument).elementFromPoint(cx, cy);
    if (!hit || hit === el || el.contains(hit)) return false;
    if (el.labels && Array.from(el.labels).some((l) => l === hit || l.contains(hit))) return false;
    if (hit.shadowRoot && hit.shadowRoot.contains(el)) return false;
    if (hit.contains(el) && !['DIALOG'].includes(hit.tagName)) {
      // A parent is hit: the element has pointer-events:none or is not painted there.
      return win.getComputedStyle(el).pointerEvents !== 'none' ? false : true;
    }
    return true;
  };
  const inClosedDetails = (el) => {
    for (let n = el.parentElement; n; n = n.parentElement) {
      if (n.tagName === 'DETAILS' && !n.open) {
        const summary = n.querySelector(':scope > summary');
        return !(summary && (summary === el || summary.contains(el)));
      }
    }
    return false;
  };

  const record = (el, ctx) => {
    if (elements.length >= MAX_ELEMENTS) { truncated = true; return; }
    const win = el.ownerDocument.defaultView;
    const cs = win.getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const x = r.left + ctx.dx + topWin.scrollX, y = r.top + ctx.dy + topWin.scrollY;
    const closedDetails = inClosedDetails(el);
    const visible = r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' &&
      !closedDetails && (el.checkVisibility ? el.checkVisibility() : true) && ctx.visible;
    const text = el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' ? '' : textOf(el);
    const label = labelOf(el);
    const isField = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    const entry = {
      index: elements.length,
      tag: el.tagName.toLowerCase(),
      role: roleOf(el),
      text: text.slice(0, 500),
      name: nameOf(el, text, label).slice(0, 500),
      href: el.tagName === 'A' ? el.href : null,
      box: { x, y, width: r.width, height: r.height },
      visible,
      in_viewport: visible && y < vh && y + r.height > 0 && x < vw && x + r.width > 0,
      color: cs.color,
      bg_layers: bgLayers(el),
      font_size: parseFloat(cs.fontSize) || 0,
      font_weight: parseInt(cs.fontWeight, 10) || 400,
      opacity: opacityOf(el) * ctx.opacity,
      text_decoration: cs.textDecorationLine || '',
      has_fill: (cs.backgroundColor !== 'rgba(0, 0, 0, 0)' && cs.backgroundColor !== 'transparent') ||
        (cs.backgroundImage && cs.backgroundImage !== 'none'),
      has_border: ['Top', 'Right', 'Bottom', 'Left'].some((s) => parseFloat(cs['border' + s + 'Width']) > 0 &&
        cs['border' + s + 'Style'] !== 'none' && !/rgba\([^)]*,\s*0\)$/.test(cs['border' + s + 'Color'])),
      cursor: cs.cursor,
      in_prose: visible && inProse(el, text),
      covered: visible && covered(el, r, el.getRootNode()),
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
    };
    if (el === target) targetIndex = entry.index;
    elements.push(entry);
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
          walk(doc, { dx, dy, inIframe: true, opacity: ctx.opacity * opacityOf(el),
            visible: ctx.visible && r.width > 0 && r.height > 0 });
        }
      }
    }
  };
  walk(document, { dx: 0, dy: 0, inIframe: false, opacity: 1, visible: true });
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
    target_index: targetIndex,
    truncated,
  };
}
