/* Calltrail number-swap snippet. Settings for this property are baked in below. */
(function (w, d) {
  'use strict';
  var C = /*CONFIG*/{};
  var stub = w.calltrail;
  if (stub && stub.loaded) return;
  var NS = 'calltrail', KEY = '_calltrail';
  var base = C.b;
  try {
    var src = d.currentScript && d.currentScript.src;
    if (src && src.indexOf('/s/') > 0) base = src.slice(0, src.lastIndexOf('/s/'));
  } catch (e) { /* keep the baked-in base */ }

  var consent = {}, sid = null, numbers = {}, listeners = [], pending = [], ttl = 1800, lastBeat = 0, swappedAt = null;
  var SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|TEXTAREA|INPUT|SELECT|OPTION|TITLE|HEAD|IFRAME|OBJECT|SVG|CODE)$/;
  var INLINE = /^(A|ABBR|B|BDI|BDO|BR|CITE|DATA|DFN|EM|FONT|I|KBD|LABEL|MARK|NOBR|Q|S|SAMP|SMALL|SPAN|STRONG|SUB|SUP|TIME|TT|U|VAR|WBR)$/;
  var OTHER_LINK = /^(sms|mailto|whatsapp|viber|skype|fax):|\/\/(wa\.me|api\.whatsapp\.com|web\.whatsapp\.com)\//i;
  var RUN = /\+?\(?\d[\d \t\u00a0\u202f().\-\u2010-\u2014\/]{4,}\d/g;

  function storageAllowed() {
    return C.m === 'not-required' || consent.ad_storage === 'granted' || consent.analytics_storage === 'granted';
  }
  function load() {
    try { return JSON.parse(w.localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(state) {
    if (!storageAllowed()) return;
    try {
      w.localStorage.setItem(KEY, JSON.stringify(state));
      d.cookie = KEY + '=' + (state.s || '') + ';path=/;max-age=' + ttl + ';samesite=lax';
    } catch (e) { /* storage unavailable */ }
  }
  function forget() {
    try { w.localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
    d.cookie = KEY + '=;path=/;max-age=0;samesite=lax';
  }

  // The digit strings under which a target may be written: international, national, with trunk prefix.
  function forms(e164, cc, trunk) {
    var all = e164.slice(1), nsn = all.slice(cc.length), out = [all, nsn];
    if (trunk && trunk !== cc) out.push(trunk + nsn);
    if (trunk === cc) out.push(cc + nsn);
    return out;
  }
  function findTarget(digits, from, isEdge) {
    for (var i = 0; i < C.t.length; i++) {
      var t = C.t[i], tracking = numbers[t.e];
      if (!tracking) continue;
      var fs = forms(t.e, t.c, t.p);
      for (var f = 0; f < fs.length; f++) {
        var at = digits.indexOf(fs[f], from);
        while (at >= 0) {
          if (isEdge(at, at + fs[f].length)) {
            var nf = forms(tracking, t.c, t.p)[f];
            if (tracking.indexOf('+' + t.c) !== 0) nf = tracking.slice(1);
            return { start: at, end: at + fs[f].length, digits: nf, target: t.e };
          }
          at = digits.indexOf(fs[f], at + 1);
        }
      }
    }
    return null;
  }
  // Rewrites the digits of text in place, keeping every other character (the page's own format).
  function rewrite(chars, slots, match) {
    var used = slots.slice(match.start, match.end), nd = match.digits, k;
    for (k = 0; k < used.length; k++) {
      var last = k === used.length - 1;
      chars[used[k]] = k < nd.length ? (last ? nd.slice(k) : nd[k]) : '';
    }
  }
  function swapText(text) {
    var changed = false, chars = text.split(''), m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(text))) {
      var slots = [], digits = '';
      for (var i = m.index; i < m.index + m[0].length; i++) {
        if (text[i] >= '0' && text[i] <= '9') { slots.push(i); digits += text[i]; }
      }
      var edge = function (s, e) {
        return (s === 0 || slots[s] - slots[s - 1] > 1) && (e === slots.length || slots[e] - slots[e - 1] > 1);
      };
      var from = 0, hit;
      while ((hit = findTarget(digits, from, edge))) {
        rewrite(chars, slots, hit);
        changed = true;
        from = hit.end;
      }
    }
    return changed ? chars : null;
  }
  function excluded(el) {
    for (; el && el !== d.body; el = el.parentNode) {
      if (el.nodeType !== 1) continue;
      if (SKIP.test(el.nodeName) || el.isContentEditable) return true;
      if (el.nodeName === 'A' && OTHER_LINK.test(el.getAttribute('href') || '')) return true;
      if (el.hasAttribute('data-calltrail-ignore')) return true;
    }
    return false;
  }
  function blockOf(node) {
    var el = node.parentNode;
    while (el && el !== d.body && INLINE.test(el.nodeName)) el = el.parentNode;
    return el;
  }
  // Text split over inline elements is matched as one run, then written back node by node.
  function swapRun(nodes) {
    var text = '', owners = [];
    nodes.forEach(function (n, i) { text += n.nodeValue; for (var k = 0; k < n.nodeValue.length; k++) owners.push(i); });
    var chars = swapText(text);
    if (!chars) return;
    var parts = nodes.map(function () { return ''; });
    chars.forEach(function (c, i) { parts[owners[i]] += c; });
    nodes.forEach(function (n, i) { if (n.nodeValue !== parts[i]) n.nodeValue = parts[i]; });
  }
  function swapHref(a) {
    var href = a.getAttribute('href') || '', m = /^\s*(tel|callto):(\/\/)?/i.exec(href);
    if (!m) return;
    var raw = href.slice(m[0].length), text;
    try { text = decodeURIComponent(raw); } catch (e) { text = raw; }
    var chars = swapText(text);
    if (!chars) {
      var digits = text.replace(/\D/g, ''), slots = [], k;
      for (k = 0; k < text.length; k++) if (/\d/.test(text[k])) slots.push(k);
      var hit = findTarget(digits, 0, function (s, e) { return s === 0 && e === digits.length; });
      if (!hit) return;
      chars = text.split('');
      rewrite(chars, slots, hit);
    }
    var next = chars.join('');
    a.setAttribute('href', href.slice(0, m[0].length) + (raw !== text ? encodeURI(next) : next));
  }
  function swap(root) {
    root = root || d.body;
    if (!root || !C.t.length || !Object.keys(numbers).length) return;
    observer.disconnect();
    var walker = d.createTreeWalker(root, 4), node, run = [], block = null;
    if (root.nodeType === 3) { if (!excluded(root.parentNode)) swapRun([root]); }
    while ((node = walker.nextNode())) {
      if (excluded(node.parentNode)) { if (run.length) swapRun(run); run = []; block = null; continue; }
      var b = blockOf(node);
      if (b !== block && run.length) { swapRun(run); run = []; }
      block = b;
      run.push(node);
    }
    if (run.length) swapRun(run);
    var links = root.querySelectorAll ? root.querySelectorAll('a[href]') : [];
    if (root.nodeName === 'A') swapHref(root);
    for (var i = 0; i < links.length; i++) swapHref(links[i]);
    if (root === d.body && w.performance) swappedAt = w.performance.now();
    reveal();
    observe();
  }

  var observer = new MutationObserver(function (records) {
    records.forEach(function (r) {
      if (r.type === 'characterData') swap(r.target.parentNode);
      else if (r.type === 'attributes') swapHref(r.target);
      else r.addedNodes.forEach(function (n) { if (n.nodeType === 1 || n.nodeType === 3) swap(n.nodeType === 3 ? n.parentNode : n); });
    });
  });
  function observe() {
    if (d.body) observer.observe(d.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['href'] });
  }

  // Anti-flicker: hide the elements showing a target number until swapped, for 300 ms at most.
  var hidden = null;
  function hide() {
    if (!C.a || !d.body) return;
    var real = numbers, node, walker = d.createTreeWalker(d.body, 4);
    numbers = {};
    C.t.forEach(function (t) { numbers[t.e] = t.e; });
    while ((node = walker.nextNode())) if (!excluded(node.parentNode) && swapText(node.nodeValue)) node.parentNode.classList.add('ct-af');
    numbers = real;
    hidden = d.createElement('style');
    hidden.textContent = '.ct-af{visibility:hidden!important}';
    d.head.appendChild(hidden);
    setTimeout(reveal, 300);
  }
  function reveal() {
    if (!hidden) return;
    hidden.parentNode.removeChild(hidden);
    hidden = null;
    [].forEach.call(d.querySelectorAll('.ct-af'), function (el) { el.classList.remove('ct-af'); });
  }

  function post(path, body, beacon) {
    var url = base + path, json = JSON.stringify(body);
    if (beacon && w.navigator.sendBeacon && w.navigator.sendBeacon(url, json)) return Promise.resolve();
    return w.fetch(url, { method: 'POST', body: json, keepalive: !!beacon, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); });
  }
  function consentBody() {
    var c = {};
    ['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization'].forEach(function (k) {
      if (consent[k]) c[k] = consent[k];
      else if (C.m === 'required') c[k] = 'denied';
    });
    return c;
  }
  // Google Analytics' client id (_ga=GA1.1.<random>.<time>), read only with analytics consent, for GA4 exports.
  function gaClientId() {
    if (C.m !== 'not-required' && consent.analytics_storage !== 'granted') return null;
    var m = /(?:^|;\s*)_ga=GA\d+\.\d+\.(\d{1,20}\.\d{1,20})(?:;|$)/.exec(d.cookie || '');
    return m ? m[1] : null;
  }
  function open() {
    var stored = storageAllowed() ? load() : {};
    return post('/v1/sessions', {
      property: C.k, session: stored.s || sid || null, url: w.location.href, referrer: d.referrer || null,
      consent: consentBody(), gpc: w.navigator.globalPrivacyControl === true, ga: gaClientId()
    }).then(function (r) {
      sid = r.session;
      ttl = r.ttl || ttl;
      lastBeat = Date.now();
      var next = {};
      (r.numbers || []).forEach(function (n) { next[n.target] = n.tracking; });
      var changed = JSON.stringify(next) !== JSON.stringify(numbers);
      numbers = next;
      var state = load();
      state.s = sid;
      save(state);
      if (changed) {
        swap();
        listeners.forEach(function (cb) { try { cb(numbers); } catch (e) { /* a listener's own error */ } });
      }
      flush();
      return numbers;
    });
  }
  function beat() {
    if (d.visibilityState === 'visible' && Date.now() - lastBeat > Math.max(60, Math.min(ttl / 2, 600)) * 1000) open().catch(reveal);
  }

  // Time-ordered ids (UUID version 7: milliseconds, then random bits) are stored at one end of the server's index.
  function uuid() {
    var b = w.crypto.getRandomValues(new Uint8Array(16)), h = [], t = Date.now();
    for (var i = 5; i >= 0; i--) { b[i] = t % 256; t = Math.floor(t / 256); }
    b[6] = (b[6] & 15) | 112; b[8] = (b[8] & 63) | 128;
    for (var j = 0; j < 16; j++) h.push((b[j] + 256).toString(16).slice(1));
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') + '-' + h.slice(8, 10).join('') + '-' + h.slice(10).join('');
  }
  function flush() {
    if (!sid) return;
    var state = load(), queued = (state.q || []).concat(pending);
    pending = [];
    if (state.q) { delete state.q; save(state); }
    queued.forEach(function (e) {
      e.session = e.session || sid;
      post('/v1/events', e, true).catch(function () { keep(e); });
    });
  }
  function keep(event) {
    if (!storageAllowed()) return;
    var state = load();
    state.q = (state.q || []).concat([event]).slice(-20);
    save(state);
  }
  d.addEventListener('click', function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest('a[href],[data-calltrail-cta]') : null;
    if (!el) return;
    var href = el.getAttribute('href') || '', tel = /^\s*(tel|callto):/i.test(href);
    if (!tel && !el.hasAttribute('data-calltrail-cta')) return;
    var number = tel ? href.replace(/^\s*(tel|callto):(\/\/)?/i, '') : (el.getAttribute('data-calltrail-cta') || null);
    try { number = decodeURIComponent(number); } catch (e) { /* keep as written */ }
    pending.push({ type: tel ? 'tel_click' : 'cta_click', id: uuid(), property: C.k, session: sid, url: w.location.href,
      number: number || null, at: Date.now() });
    flush();
  }, true);

  function setConsent(update) {
    Object.keys(update || {}).forEach(function (k) { if (update[k] === 'granted' || update[k] === 'denied') consent[k] = update[k]; });
    if (!storageAllowed()) forget();
    else if (sid) { var state = load(); state.s = sid; save(state); }
  }
  // Google Consent Mode: follow gtag('consent', 'default'|'update', {...}) through the dataLayer.
  function readGtag(entry) {
    if (entry && entry[0] === 'consent' && entry[2] && typeof entry[2] === 'object') setConsent(entry[2]);
  }
  var dl = w.dataLayer = w.dataLayer || [];
  for (var i = 0; i < dl.length; i++) readGtag(dl[i]);
  var push = dl.push;
  dl.push = function () {
    for (var k = 0; k < arguments.length; k++) readGtag(arguments[k]);
    return push.apply(dl, arguments);
  };

  var api = {
    loaded: true,
    swap: function () { swap(); },
    number: function (target) { return numbers[target] || null; },
    swappedAt: function () { return swappedAt; },
    consent: function (update) { setConsent(update); return open().catch(function () { return numbers; }); },
    on: function (name, cb) { if (name === 'number') { listeners.push(cb); if (Object.keys(numbers).length) cb(numbers); } }
  };
  w[NS] = api;
  var queue = (stub && stub.q) || [];
  queue.forEach(function (args) { if (api[args[0]]) api[args[0]].apply(api, [].slice.call(args, 1)); });

  function start() {
    hide();
    open().catch(reveal);
    setInterval(beat, 15000);
    d.addEventListener('visibilitychange', beat);
  }
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start); else start();
})(window, document);
