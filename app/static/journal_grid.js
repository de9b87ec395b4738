/* Классный журнал: the grid's headers, cells and keyboard. The page sends the columns and mark cells as data
   (<script type="application/json" id="grid-data">, app/views/journal.py grid_data) and its
   texts (id="grid-text"); this file builds an input per cell into each learner's row, before
   the final-mark columns the page renders itself, then handles typing, moving (arrows, Tab,
   Enter), saving (button, Ctrl+S) and each cell's state (dirty, saved, failed, conflict).
   A file of our own, not an inline script: the Content-Security-Policy allows only ours. */
(function () {
  "use strict";
  var table = document.getElementById('journal-grid');
  if (!table) return;
  var data = JSON.parse(document.getElementById('grid-data').textContent);
  var T = JSON.parse(document.getElementById('grid-text').textContent);
  var codes = table.dataset.codes.split(' ');
  var statusBox = document.getElementById('journal-status');
  var csrf = document.querySelector('meta[name="csrf-token"]');
  build();

  // One input per cell, with everything saving needs on it: the same inputs the page
  // once carried as HTML, made here from a fraction of the bytes.
  function build() {
    var cols = data.cols, body = table.tBodies[0], proto = document.createElement('td');
    var head = table.tHead.rows[0], heads = document.createDocumentFragment(), url = table.dataset.lessonUrl;
    cols.forEach(function (col) {
      var th = document.createElement('th'), a = th.appendChild(document.createElement('a')), label = col[7];
      if (col[2]) th.className = 'lesson-start';
      th.title = col[6] + (label ? ' · ' + label : '');
      a.href = url.replace('987654321', col[0]);
      a.textContent = col[4];
      a.appendChild(document.createElement('sup')).textContent = col[5];
      if (label) {
        th.appendChild(document.createElement('br'));
        th.appendChild(document.createElement('small')).textContent = label.length > 9 ? label.slice(0, 8) + '…' : label;
      }
      heads.appendChild(th);
    });
    head.insertBefore(heads, head.cells[2] || null);
    proto.appendChild(document.createElement('input')).type = 'text';
    data.rows.forEach(function (row, r) {
      var tr = body.querySelector('tr[data-row="' + r + '"]'), line = data.cells[r], frag = document.createDocumentFragment();
      for (var c = 0; c < cols.length; c++) {
        var col = cols[c], v = line[c] || [], mark = v[0] || '', att = v[2] || '';
        var text = (att + ' ' + mark).trim(), closed = row[2] >= 0 && c >= row[2];
        var td = proto.cloneNode(true), inp = td.firstChild;
        td.className = (col[2] ? 'lesson-start ' : '') + (closed ? 'after-leaving' : '');
        inp.value = text;
        inp.setAttribute('data-orig', text);
        inp.setAttribute('data-r', r);
        inp.setAttribute('data-c', c);
        inp.setAttribute('data-learner', row[0]);
        inp.setAttribute('data-lesson', col[0]);
        inp.setAttribute('data-assignment', col[1] || '');
        inp.setAttribute('data-first', col[2]);
        inp.setAttribute('data-mark-version', v[1] || '');
        inp.setAttribute('data-att-version', v[3] || '');
        inp.setAttribute('aria-label', row[1] + ', ' + col[3]);
        if (!data.write || closed) inp.readOnly = true;
        frag.appendChild(td);
      }
      tr.insertBefore(frag, tr.cells[2] || null);
    });
  }
  function cell(r, c) { return table.querySelector('input[data-r="' + r + '"][data-c="' + c + '"]'); }
  function split(text) {
    var out = {att: '', mark: ''};
    text.trim().split(/\s+/).forEach(function (t) {
      if (!t) return;
      if (codes.indexOf(t.toUpperCase()) >= 0) out.att = t.toUpperCase(); else out.mark = t;
    });
    return out;
  }
  table.addEventListener('focusin', function (e) { if (e.target.tagName === 'INPUT') e.target.select(); });
  table.addEventListener('input', function (e) {
    var td = e.target.parentNode;
    td.classList.remove('saved', 'failed', 'conflict');
    td.classList.toggle('dirty', e.target.value.trim() !== e.target.dataset.orig);
  });
  table.addEventListener('keydown', function (e) {
    var t = e.target; if (t.tagName !== 'INPUT') return;
    var r = +t.dataset.r, c = +t.dataset.c, next = null;
    if (e.key === 'ArrowRight') next = cell(r, c + 1);
    else if (e.key === 'ArrowLeft') next = cell(r, c - 1);
    else if (e.key === 'ArrowDown' || e.key === 'Enter') next = cell(r + 1, c);
    else if (e.key === 'ArrowUp') next = cell(r - 1, c);
    else if (e.key === 'Delete' && !t.readOnly) { t.value = ''; t.dispatchEvent(new Event('input', {bubbles: true})); e.preventDefault(); }
    if (next) { next.focus(); e.preventDefault(); }
  });
  function changes() {
    var out = [];
    table.querySelectorAll('td.dirty input').forEach(function (inp) {
      if (inp.dataset.final === '1') {
        out.push({key: inp.dataset.r + ':' + inp.dataset.c + ':final', kind: 'final', learner_id: +inp.dataset.learner,
          group_id: +table.dataset.group, subject_id: +table.dataset.subject,
          period_id: +(inp.dataset.period || table.dataset.period),
          value: inp.value.trim(), version: inp.dataset.finalVersion ? +inp.dataset.finalVersion : null});
        return;
      }
      var now = split(inp.value), was = split(inp.dataset.orig), base = {
        lesson_id: +inp.dataset.lesson, learner_id: +inp.dataset.learner,
        assignment_id: inp.dataset.assignment ? +inp.dataset.assignment : null
      };
      if (now.mark !== was.mark) out.push(Object.assign({key: inp.dataset.r + ':' + inp.dataset.c + ':mark', kind: 'mark',
        value: now.mark, version: inp.dataset.markVersion ? +inp.dataset.markVersion : null}, base));
      if (now.att !== was.att && inp.dataset.first === '1') out.push(Object.assign({key: inp.dataset.r + ':' + inp.dataset.c + ':attendance',
        kind: 'attendance', value: now.att, version: inp.dataset.attVersion ? +inp.dataset.attVersion : null}, base));
      if (now.att !== was.att && inp.dataset.first !== '1') out.push(Object.assign({key: inp.dataset.r + ':' + inp.dataset.c + ':mark',
        kind: 'mark', value: now.att, version: null}, base));
    });
    return out;
  }
  function save() {
    var batch = changes();
    if (!batch.length) { statusBox.textContent = T.nothing; return; }
    statusBox.textContent = T.saving;
    fetch(table.dataset.saveUrl, {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf ? csrf.getAttribute('content') : ''},
      body: JSON.stringify({changes: batch})})
    .then(function (resp) { return resp.json().then(function (data) { return {ok: resp.ok, data: data}; }); })
    .then(function (res) {
      if (!res.ok) { statusBox.textContent = res.data.message || T.network; return; }
      var counts = {saved: 0, error: 0, conflict: 0};
      res.data.results.forEach(function (r) {
        var p = r.key.split(':'), inp = cell(+p[0], +p[1]), td = inp.parentNode, parts = split(inp.value);
        counts[r.status] += 1;
        if (p[2] === 'final') {
          if (r.status !== 'error') { inp.dataset.finalVersion = r.version || ''; inp.dataset.orig = r.value; inp.value = r.value; }
        } else if (r.status === 'saved' || r.status === 'conflict') {
          if (p[2] === 'attendance') { parts.att = r.value; inp.dataset.attVersion = r.version || ''; }
          else {
            parts.mark = r.value; inp.dataset.markVersion = r.version || '';
            if (r.assignment_id) {  // the first mark of a lesson created its assignment: the whole column has it now
              table.querySelectorAll('input[data-c="' + p[1] + '"]').forEach(function (x) { x.dataset.assignment = r.assignment_id; });
            }
          }
          var orig = split(inp.dataset.orig);
          if (p[2] === 'attendance') orig.att = r.value; else orig.mark = r.value;
          inp.dataset.orig = (orig.att + ' ' + orig.mark).trim();
          if (r.status === 'conflict') inp.value = inp.dataset.orig;
        }
        td.classList.remove('dirty');
        td.classList.add(r.status === 'saved' ? 'saved' : (r.status === 'conflict' ? 'conflict' : 'failed'));
        td.title = r.message || '';
      });
      var msg = [];
      if (counts.saved) msg.push(T.saved.replace('{n}', counts.saved));
      if (counts.error) msg.push(T.failed.replace('{n}', counts.error));
      if (counts.conflict) msg.push(T.conflict.replace('{n}', counts.conflict));
      statusBox.textContent = msg.join(' ');
    })
    .catch(function () { statusBox.textContent = T.network; });
  }
  var btn = document.getElementById('journal-save');
  if (btn) btn.addEventListener('click', save);
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'ы')) { e.preventDefault(); save(); }
  });
  window.addEventListener('beforeunload', function (e) {
    if (table.querySelector('td.dirty')) { e.preventDefault(); e.returnValue = T.leave; }
  });
})();
