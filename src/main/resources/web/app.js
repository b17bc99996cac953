// LipDrop jobs page: polls the JSON API and keeps one list item per job, so a playing video is never rebuilt.
// Names are data: always set as text (never HTML), with control characters shown as escapes (\n).
'use strict';

const $ = (id) => document.getElementById(id);
let state = { jobs: [], summary: null, quarantine: [] };
let pollTimer = null;

/** A name as text: control characters and direction overrides become visible escapes. */
function shown(s) {
  if (s === null || s === undefined) return '';
  // the same escapes as the log and the quarantine notes (io.lipdrop.intake.Names), so a name reads alike everywhere;
  // a backslash stays as it is, since those notes arrive already escaped
  return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }[c];
    return named || '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function seconds(s) {
  if (s === null || s === undefined) return '…';
  s = Math.round(s);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  return m < 60 ? m + ' min ' + (s % 60) + ' s' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

/** The page's CSRF token (filled in by the server when it served this page): every POST carries it. */
function csrf() {
  const m = document.querySelector('meta[name="lipdrop-csrf"]');
  return m ? m.content : '';
}

async function api(path, options) {
  options = options || {};
  const headers = Object.assign({ 'Accept': 'application/json' }, options.headers || {});
  if (options.method && options.method !== 'GET') headers['X-LipDrop-CSRF'] = csrf();
  const r = await fetch(path, Object.assign({ credentials: 'same-origin' }, options, { headers }));
  if (r.status === 401) {
    $('token-box').hidden = false;
    throw new Error('a token is needed');
  }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const e = new Error(describeError(body) || ('HTTP ' + r.status));
    e.body = body;
    throw e;
  }
  return body;
}

function describeError(body) {
  if (!body || !body.error) return '';
  return (body.file ? shown(body.file) + ': ' : '') + body.error + (body.advice ? '. ' + body.advice : '');
}

/** Keeps list items keyed by id: existing ones are updated in place, missing ones created, stale ones removed. */
function reconcile(list, items, idOf, build, update) {
  const keep = new Set();
  let previous = null;
  for (const item of items) {
    const id = idOf(item);
    keep.add(id);
    let li = list.querySelector(':scope > li[data-id="' + CSS.escape(id) + '"]');
    if (!li) {
      li = build(item);
      li.dataset.id = id;
    }
    update(li, item);
    const wanted = previous ? previous.nextSibling : list.firstChild;
    if (wanted !== li) list.insertBefore(li, wanted);
    previous = li;
  }
  for (const li of Array.from(list.children)) {
    if (li.dataset.id !== undefined && !keep.has(li.dataset.id)) li.remove();
  }
  let empty = list.querySelector(':scope > .empty');
  if (items.length === 0 && !empty) list.appendChild(el('li', 'empty', 'none'));
  if (items.length > 0 && empty) empty.remove();
}

// --- running

function buildRunning() {
  const li = el('li', 'job running');
  li.append(el('div', 'name'), el('progress'), el('div', 'muted detail'));
  li.querySelector('progress').max = 100;
  return li;
}

function updateRunning(li, job) {
  li.querySelector('.name').textContent = shown(job.name);
  const p = job.progress;
  const bar = li.querySelector('progress');
  const detail = li.querySelector('.detail');
  if (p && p.total > 0) {
    bar.value = p.percent;
    detail.textContent = p.frames + ' / ' + p.total + ' frames · ' + p.percent.toFixed(1) + ' % · '
      + (p.framesPerSecond > 0 ? p.framesPerSecond.toFixed(1) + ' frames/s · ' + seconds(p.secondsLeft) + ' left' : 'measuring the speed…');
  } else if (p) {
    bar.removeAttribute('value');
    detail.textContent = 'starting…';
  } else {
    bar.removeAttribute('value');
    detail.textContent = 'running on node ' + shown(job.node) + ' (attempt ' + job.attempts + ')';
  }
  li.dataset.frames = p ? p.frames : '';
}

// --- waiting: queued jobs in the store and drops in the inbox not started yet

function buildWaiting() {
  const li = el('li', 'job waiting');
  li.append(el('div', 'name'), el('div', 'muted detail'));
  return li;
}

function updateWaiting(li, w) {
  li.querySelector('.name').textContent = shown(w.name);
  li.querySelector('.detail').textContent = w.detail;
  li.querySelector('.detail').className = 'detail ' + (w.error ? 'error' : 'muted');
}

// --- needs attention: quarantine reports (reason, advice, try again)

function buildAttention() {
  const li = el('li', 'job quarantined');
  li.append(el('div', 'name'), el('div', 'reason'), el('div', 'advice'), el('div', 'muted when'));
  const actions = el('div', 'actions');
  const retry = el('button', 'secondary retry', 'Try again');
  retry.type = 'button';
  retry.addEventListener('click', () => retryQuarantined(li.dataset.id, li));
  actions.append(retry, el('span', 'muted outcome'));
  li.append(actions);
  return li;
}

function updateAttention(li, q) {
  li.querySelector('.name').textContent = shown(q.subject);
  li.querySelector('.reason').textContent = 'Reason: ' + shown(q.reason);
  li.querySelector('.advice').textContent = 'What to do: ' + shown(q.advice);
  li.querySelector('.when').textContent = (q.when || '') + (q.attempts ? ' · attempts: ' + q.attempts : '') + (q.note ? ' · ' + shown(q.note) : '');
  // a job the store calls quarantined but whose report is gone (retried, or housekeeping) has nothing to put back
  li.querySelector('.retry').hidden = String(q.id).startsWith('job:') || String(q.id).startsWith('deep:');
}

async function retryQuarantined(id, li) {
  const out = li.querySelector('.outcome');
  try {
    const r = await api('/api/quarantine/retry', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) });
    out.textContent = shown(r.message);
    refresh();
  } catch (e) {
    out.textContent = e.message;
    out.className = 'error outcome';
  }
}

// --- done

function buildDone(job) {
  const li = el('li', 'job done');
  li.append(el('div', 'name'), el('div', 'muted detail'));
  const actions = el('div', 'actions');
  const play = el('button', 'secondary play', 'Play');
  play.type = 'button';
  play.addEventListener('click', () => toggleVideo(li));
  const video = el('a', 'video-link', 'Download');
  const report = el('a', 'report-link', 'Report');
  const captions = el('a', 'captions-link', 'Captions (.srt)');
  const redo = el('button', 'secondary redo', 'Make again');
  redo.type = 'button';
  redo.addEventListener('click', () => makeAgain(li));
  actions.append(play, video, report, captions, redo, el('span', 'muted outcome'));
  li.append(actions);
  return li;
}

function updateDone(li, job) {
  li.querySelector('.name').textContent = shown(job.name);
  li.querySelector('.detail').textContent = 'outbox/' + shown(job.output) + ' · ' + when(job.updatedAt)
    + (job.node ? ' · node ' + shown(job.node) : '');
  li.dataset.video = job.video || '';
  li.dataset.key = job.key;
  const a = li.querySelector('.video-link');
  a.href = job.video || '#';
  a.setAttribute('download', '');
  const r = li.querySelector('.report-link');
  r.hidden = !job.report;
  if (job.report) r.href = job.report;
  // captions: null when the job has none (off, nothing heard, or made before captions); the player reads the .vtt
  const c = job.captions || {};
  li.dataset.vtt = c.vtt || '';
  li.dataset.lang = c.language || 'en';
  const s = li.querySelector('.captions-link');
  s.hidden = !c.srt;
  if (c.srt) {
    s.href = c.srt;
    s.setAttribute('download', '');
  }
}

/** "English" for "en": the track's label in the player's captions menu; the code itself where the browser has no name. */
function languageName(code) {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) || code;
  } catch (e) {
    return code;
  }
}

function toggleVideo(li) {
  let v = li.querySelector('video');
  if (v) {
    v.pause();
    v.remove();
    li.querySelector('.play').textContent = 'Play';
    return;
  }
  v = document.createElement('video');
  v.controls = true;
  v.playsInline = true;
  v.preload = 'auto';
  if (li.dataset.vtt) {
    // same origin, so the session cookie goes with it as with the video; "default" shows the captions at once
    const t = document.createElement('track');
    t.kind = 'captions';
    t.srclang = li.dataset.lang;
    t.label = languageName(li.dataset.lang);
    t.default = true;
    t.src = li.dataset.vtt;
    v.append(t);
  }
  v.src = li.dataset.video;
  li.append(v);
  li.querySelector('.play').textContent = 'Close';
  v.play().catch(() => { /* autoplay may be refused; the controls are there */ });
}

async function makeAgain(li) {
  const out = li.querySelector('.outcome');
  try {
    const r = await api('/api/jobs/' + encodeURIComponent(li.dataset.key) + '/redo', { method: 'POST' });
    out.textContent = shown(r.message);
    out.className = (r.requeued ? 'ok' : 'muted') + ' outcome';
    refresh();
  } catch (e) {
    out.textContent = e.message;
    out.className = 'error outcome';
  }
}

// --- one refresh of everything

async function refresh() {
  const name = $('filter-name').value.trim();
  try {
    const [jobs, summary, quarantine] = await Promise.all([
      api('/api/jobs?limit=200' + (name ? '&name=' + encodeURIComponent(name) : '')),
      api('/api/summary'),
      api('/api/quarantine?limit=100'),
    ]);
    state = { jobs: jobs.jobs, summary, quarantine: quarantine.quarantined };
    render(name);
    $('connection').textContent = 'Updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('connection').textContent = 'Not connected: ' + e.message;
  }
  schedule();
}

function schedule() {
  clearTimeout(pollTimer);
  // twice a second while a job runs (its progress), every 2 s while work waits, else every 5 s
  const running = state.jobs.some((j) => j.status === 'running');
  const waiting = state.jobs.some((j) => j.status === 'queued' || j.status === 'failed') || (state.summary && state.summary.inbox.length > 0);
  pollTimer = setTimeout(refresh, running ? 500 : waiting ? 2000 : 5000);
}

function render(filter) {
  const jobs = state.jobs;
  const match = (s) => !filter || String(s || '').toLowerCase().includes(filter.toLowerCase());
  const running = jobs.filter((j) => j.status === 'running');
  const known = new Set(jobs.map((j) => j.name));
  const waiting = jobs.filter((j) => j.status === 'queued' || j.status === 'failed').map((j) => ({
    id: 'job:' + j.key, name: j.name, error: j.status === 'failed',
    detail: j.status === 'failed' ? 'failed (attempt ' + j.attempts + '), will be tried again: ' + shown(j.error) : 'queued',
  }));
  // drops in the inbox whose jobs have not all started yet (a started job is listed as itself)
  const media = /\.(mp4|mov|mkv|avi|webm|jpe?g|png)$/i;
  for (const d of (state.summary ? state.summary.inbox : [])) {
    if (!match(d.name)) continue;
    const videos = d.files.filter((f) => media.test(f)).map((f) => (d.kind === 'batch' ? d.name : '') + f);
    const started = videos.filter((v) => known.has(v)).length;
    if (videos.length > 0 && started === videos.length) continue;
    waiting.push({ id: 'inbox:' + d.name, name: 'inbox/' + d.name,
      detail: d.files.map(shown).join(', ') + (started > 0 ? ' · ' + started + ' of ' + videos.length + ' started' : ' · not started yet') });
  }
  const quarantined = state.quarantine.filter((q) => match(q.subject));
  const reported = new Set(quarantined.map((q) => q.subject));
  for (const j of jobs.filter((x) => x.status === 'quarantined' && !reported.has(x.name))) {
    quarantined.push({ id: 'job:' + j.key, subject: j.name, reason: j.error, advice: 'Fix the input and drop it again.', when: when(j.updatedAt) });
  }
  for (const path of (state.summary && state.summary.tooDeep ? state.summary.tooDeep : [])) {
    if (!match(path)) continue;
    quarantined.push({ id: 'deep:' + path, subject: 'inbox/' + path, deep: true,
      reason: 'nested too deep: LipDrop only takes files in inbox/ or in a batch folder inbox/<batch>/',
      advice: 'Move it up to inbox/ (a single job) or into inbox/<batch>/ (a batch).' });
  }
  const done = jobs.filter((j) => j.status === 'done');

  reconcile($('running'), running, (j) => j.key, buildRunning, updateRunning);
  reconcile($('waiting'), waiting, (w) => w.id, buildWaiting, updateWaiting);
  reconcile($('attention'), quarantined, (q) => q.id, buildAttention, updateAttention);
  reconcile($('done'), done, (j) => j.key, buildDone, updateDone);
  $('running-count').textContent = '(' + running.length + ')';
  $('waiting-count').textContent = '(' + waiting.length + ')';
  $('attention-count').textContent = '(' + quarantined.length + ')';
  $('done-count').textContent = '(' + done.length + ')';

  const show = $('filter-status').value;
  for (const s of document.querySelectorAll('section[data-group]')) s.hidden = show !== '' && s.dataset.group !== show;

  const sum = state.summary;
  if (sum) {
    const c = sum.counts;
    $('summary').textContent = 'node ' + shown(sum.node) + ' · ' + sum.nodes.length + ' node' + (sum.nodes.length === 1 ? '' : 's')
      + ' live · ' + c.running + ' running · ' + c.queued + ' queued · ' + c.done + ' done · ' + c.failed + ' failed · '
      + quarantined.length + ' need' + (quarantined.length === 1 ? 's' : '') + ' attention';
  }
}

// --- upload: one request, streamed by the browser; the answer names any bad file and why

function upload(event) {
  event.preventDefault();
  const form = $('upload-form');
  const out = $('upload-result');
  const bar = $('upload-progress');
  const data = new FormData(form);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/uploads');
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('X-LipDrop-CSRF', csrf());
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
  xhr.onload = () => {
    bar.hidden = true;
    $('upload-button').disabled = false;
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch (e) { /* shown below */ }
    if (xhr.status === 201) {
      out.className = 'ok';
      out.textContent = shown(body.message);
      form.reset();
      refresh();
    } else {
      if (xhr.status === 401) $('token-box').hidden = false;
      out.className = 'error';
      out.textContent = 'Not uploaded: ' + (describeError(body) || 'HTTP ' + xhr.status);
    }
  };
  xhr.onerror = () => {
    bar.hidden = true;
    $('upload-button').disabled = false;
    out.className = 'error';
    out.textContent = 'Not uploaded: the connection to LipDrop failed';
  };
  bar.hidden = false;
  bar.value = 0;
  $('upload-button').disabled = true;
  out.className = 'muted';
  out.textContent = 'Uploading…';
  xhr.send(data);
}

function useToken(event) {
  event.preventDefault();
  // a same-site cookie: the video element and links send it too, which a header could not
  document.cookie = 'lipdrop_token=' + encodeURIComponent($('token').value) + '; path=/; SameSite=Strict';
  $('token-box').hidden = true;
  refresh();
}

document.addEventListener('DOMContentLoaded', () => {
  $('upload-form').addEventListener('submit', upload);
  $('token-form').addEventListener('submit', useToken);
  $('filter-name').addEventListener('input', () => refresh());
  $('filter-status').addEventListener('change', () => render($('filter-name').value.trim()));
  refresh();
});
