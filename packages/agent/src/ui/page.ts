import { deviceStatuses, severityOf } from '@tutti/protocol';
import { uiLocaleInfo, uiStrings, type UiLocale } from './strings.ts';

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Devices per page of the device table. */
export const DEVICE_PAGE_SIZE = 100;

const styles = `
  :root {
    color-scheme: light dark;
    --bg: #f4f6f9; --panel: #fff; --text: #1d2330; --muted: #5d6778; --line: #dde2ea; --accent: #0b5cad;
    --ok: #1f7a3a; --ok-bg: #e3f4e8; --warn: #8a5a00; --warn-bg: #fff1d6; --bad: #b42318; --bad-bg: #fde7e5;
    --idle-bg: #eceff4;
    font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', sans-serif;
    font-size: 15px; color: var(--text); background: var(--bg);
  }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #12151b; --panel: #1b2029; --text: #e6e9ef; --muted: #9aa4b5; --line: #2c3340; --accent: #6aa9ef;
      --ok: #6fd38c; --ok-bg: #173522; --warn: #f0c060; --warn-bg: #3a2e12; --bad: #ff8a80; --bad-bg: #43201d;
      --idle-bg: #262c37; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; }
  .topbar { background: #0d2a4a; color: #fff; }
  .topbar-inner, main { max-width: 90rem; margin-inline: auto; padding-inline: 1.25rem; }
  .topbar-inner { display: flex; align-items: center; gap: 1rem; min-height: 3.5rem; flex-wrap: wrap; }
  .brand { font-weight: 650; font-size: 1.15rem; margin: 0; }
  .topbar .muted { color: #b8c7da; }
  .spacer { flex: 1; }
  .topbar label { display: flex; align-items: center; gap: 0.5rem; font-size: 0.9rem; color: #d6e1ee; }
  .topbar select { background: #163a63; color: #fff; border: 1px solid #3b5f88; border-radius: 6px; padding: 0.3rem 0.5rem; }
  main { padding-block: 1rem 2rem; }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem;
    margin-block-end: 1rem; }
  h2 { font-size: 1.05rem; margin: 0 0 0.75rem; display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.75rem; }
  .tile { border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 0.8rem; min-width: 0; }
  .tile .label { color: var(--muted); font-size: 0.8rem; }
  .tile .value { font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; margin-block-start: 0.15rem; }
  .tile .value.small { font-size: 0.95rem; font-weight: 600; }
  .tile.healthy { border-inline-start: 4px solid var(--ok); } .tile.issue { border-inline-start: 4px solid var(--warn); }
  .tile.down { border-inline-start: 4px solid var(--bad); }
  h3 { font-size: 0.85rem; color: var(--muted); font-weight: 600; margin: 1rem 0 0.5rem; }
  .details { margin-block-start: 0.6rem; display: flex; gap: 0.4rem 1.5rem; flex-wrap: wrap; }
  .details:empty { display: none; }
  .tile .badge { white-space: normal; }
  .hub-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 0.75rem 1rem; align-items: end; }
  .form-actions { grid-column: 1 / -1; }
  .path-part { white-space: nowrap; }
  .table-wrap { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
  th { text-align: start; font-weight: 600; color: var(--muted); font-size: 0.78rem; padding: 0.4rem 0.6rem;
    border-block-end: 1px solid var(--line); white-space: nowrap; }
  td { text-align: start; padding: 0.45rem 0.6rem; border-block-end: 1px solid var(--line); vertical-align: top; }
  tbody tr:hover { background: color-mix(in srgb, var(--accent) 6%, transparent); }
  form.stack { display: grid; gap: 0.65rem; }
  label.field { display: grid; gap: 0.25rem; font-size: 0.85rem; color: var(--muted); }
  input[type=text], input[type=url], input[type=password], input[type=search] {
    padding: 0.45rem 0.55rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel);
    color: var(--text); font: inherit; min-width: 0; }
  button { font: inherit; font-size: 0.88rem; padding: 0.42rem 0.9rem; border-radius: 6px; cursor: pointer;
    border: 1px solid var(--line); background: var(--panel); color: var(--text); }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
  button:disabled { opacity: 0.45; cursor: default; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
  .badge { display: inline-flex; align-items: center; gap: 0.35rem; border-radius: 999px; padding: 0.12rem 0.6rem;
    font-size: 0.8rem; font-weight: 600; white-space: nowrap; background: var(--idle-bg); }
  .badge::before { content: ''; width: 0.5rem; height: 0.5rem; border-radius: 50%; background: currentColor; opacity: 0.8; }
  .badge.healthy { background: var(--ok-bg); color: var(--ok); } .badge.issue { background: var(--warn-bg); color: var(--warn); }
  .badge.down { background: var(--bad-bg); color: var(--bad); }
  .badge.busy::before { animation: pulse 1s ease-in-out infinite; }
  @keyframes pulse { 50% { opacity: 0.2; } }
  .progress { height: 4px; background: var(--idle-bg); border-radius: 2px; margin-block-start: 0.3rem; width: 8rem; }
  .progress > div { height: 100%; background: var(--accent); border-radius: 2px; }
  .error { color: var(--bad); } .muted { color: var(--muted); } .small { font-size: 0.8rem; }
  .nowrap { white-space: nowrap; } .num { font-variant-numeric: tabular-nums; }
  .toolbar { display: flex; gap: 0.75rem; flex-wrap: wrap; align-items: center; margin-block-end: 0.75rem; }
  .toolbar input[type=search] { flex: 1 1 16rem; max-width: 28rem; }
  .pager { display: flex; gap: 0.5rem; align-items: center; margin-inline-start: auto; }
  #message:empty { display: none; }
  #message { padding: 0.6rem 0.9rem; border-radius: 8px; margin-block-end: 1rem; background: var(--ok-bg); color: var(--ok); }
  #message.error { background: var(--bad-bg); color: var(--bad); }
  .path-sep { color: var(--muted); padding-inline: 0.3rem; display: inline-block; unicode-bidi: isolate; direction: ltr; }
  [dir=rtl] .path-sep { transform: scaleX(-1); }
  td .error { overflow-wrap: anywhere; max-inline-size: 16rem; }
  td.path { min-inline-size: 14rem; max-inline-size: 20rem; }
  @media (max-width: 48rem) { .wide { display: none; } }
`;

/** Runs in the browser: polls /api/status and updates the page in place (never innerHTML with device data). */
const script = `
const ALL = window.TUTTI_STRINGS;
const LOCALES = window.TUTTI_LOCALES;
const SEVERITY = window.TUTTI_SEVERITY;
const PAGE_SIZE = window.TUTTI_PAGE_SIZE;
const STORAGE_KEY = 'tutti.agent.locale';
let locale = document.documentElement.lang;
try {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && ALL[saved]) locale = saved;
} catch {}
let t = ALL[locale];
let fmt;
let lastStatus = null;
let hubFormFilled = false;
let pageOffset = 0;
let filterText = '';
let issuesOnly = false;

const fill = (text, values) => text.replace(/{{(\\w+)}}/g, (_, key) => String(values[key] ?? ''));
const labelValue = (label, value) => fill(t.labelValue, { label, value });
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) if (child !== null && child !== undefined && child !== '') node.append(child);
  return node;
};
const bdi = (text, className = '') => el('bdi', { textContent: text, className });
const $ = (id) => document.getElementById(id);

function makeFormatters() {
  const intl = LOCALES[locale].intl;
  return {
    number: new Intl.NumberFormat(intl),
    percent: new Intl.NumberFormat(intl, { style: 'percent', maximumFractionDigits: 0 }),
    seconds: new Intl.NumberFormat(intl, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }),
    bytes: (value) => {
      const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
      let index = 0;
      while (value >= 1024 && index < units.length - 1) { value /= 1024; index += 1; }
      return new Intl.NumberFormat(intl, { style: 'unit', unit: units[index], unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
    },
    dateTime: new Intl.DateTimeFormat(intl, { dateStyle: 'short', timeStyle: 'medium' }),
    time: new Intl.DateTimeFormat(intl, { timeStyle: 'medium' }),
  };
}

/** Static text of the page: elements carry data-t (text), data-t-placeholder and data-t-aria keys. */
function applyLanguage(next) {
  locale = next;
  t = ALL[locale];
  fmt = makeFormatters();
  document.documentElement.lang = locale;
  document.documentElement.dir = LOCALES[locale].dir;
  document.title = t.title;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t[node.dataset.t];
  for (const node of document.querySelectorAll('[data-t-placeholder]')) node.placeholder = t[node.dataset.tPlaceholder];
  for (const node of document.querySelectorAll('[data-t-aria]')) node.setAttribute('aria-label', t[node.dataset.tAria]);
  $('language').value = locale;
  deviceRows.clear();
  if (lastStatus) render(lastStatus);
}

async function request(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(fill(t.requestFailed, { code: data.error ? data.error.code : response.status }));
  return data;
}

function showMessage(text, isError) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}
const showError = (error) => showMessage(error.message, true);

function tile(label, value, className = '', small = false) {
  return el('div', { className: 'tile ' + className }, [
    el('div', { className: 'label', textContent: label }),
    el('div', { className: 'value' + (small ? ' small' : '') }, [value]),
  ]);
}

function badge(text, severity, busy = false) {
  return el('span', { className: 'badge ' + (severity ?? '') + (busy ? ' busy' : ''), textContent: text });
}

const linkSeverity = { connected: 'healthy', auth_failed: 'down', disconnected: 'down', connecting: 'issue' };
const monitoringSeverity = { active: 'healthy', issue: 'issue', off: 'down' };

function renderOverview(status) {
  const link = status.link;
  const sessions = status.sessions;
  $('overview').replaceChildren(
    tile(t.linkState, badge(t.linkStates[link.state], linkSeverity[link.state]), linkSeverity[link.state] ?? '', true),
    tile(t.monitoring, badge(t.monitoringStates[status.monitoring], monitoringSeverity[status.monitoring]), monitoringSeverity[status.monitoring], true),
    tile(t.devicesTotal, fmt.number.format(status.deviceTotal ?? status.devices.length)),
  );
  $('sessions').replaceChildren(
    tile(t.sessionStates.connected, fmt.number.format(sessions.connected), 'healthy'),
    tile(t.sessionStates.connecting, fmt.number.format(sessions.connecting), sessions.connecting ? 'issue' : ''),
    tile(t.sessionStates.unreachable, fmt.number.format(sessions.unreachable), sessions.unreachable ? 'down' : ''),
    tile(t.sessionStates.login_failed, fmt.number.format(sessions.login_failed), sessions.login_failed ? 'down' : ''),
  );
  const details = [];
  if (link.url) details.push(el('div', {}, [labelValue(t.hubUrl, ''), bdi(link.url)]));
  if (link.organizationName) details.push(el('div', { textContent: labelValue(t.organizationName, link.organizationName) }));
  if (link.lastError) details.push(el('div', { className: 'error', textContent: labelValue(t.lastError, link.lastError) }));
  $('link-details').replaceChildren(...details);
  if (!hubFormFilled) {
    const form = $('hub-form');
    form.url.value = link.url ?? '';
    form.agentName.value = link.agentName ?? '';
    form.organization.value = link.organization ?? '';
    hubFormFilled = true;
  }
  const outbox = status.outbox;
  $('outbox').replaceChildren(
    tile(t.outboxEvents, fmt.number.format(outbox.depth), outbox.depth > 0 ? 'issue' : ''),
    tile(t.outboxSize, fmt.bytes(outbox.bytes)),
    tile(t.outboxCompacted, fmt.number.format(outbox.compacted)),
  );
  $('outbox-error').textContent = outbox.storageError ? fill(t.outboxMemoryOnly, { reason: outbox.storageError }) : '';
  $('version').textContent = fill(t.version, { version: status.version });
}

function renderSubnets(status) {
  const enabled = status.subnets.filter((subnet) => subnet.enabled).length;
  $('subnet-count').textContent = fmt.number.format(enabled) + ' / ' + fmt.number.format(status.subnets.length);
  const rows = status.subnets.map((subnet) => {
    const toggle = el('input', { type: 'checkbox', checked: subnet.enabled });
    toggle.setAttribute('aria-label', labelValue(t.enabled, subnet.subnet));
    toggle.addEventListener('change', () => {
      request('POST', '/api/subnets', { subnet: subnet.subnet, enabled: toggle.checked }).then(refresh, showError);
    });
    const scan = subnet.scan;
    const state = !subnet.enabled
      ? badge(t.notScanned, '')
      : scan.scanning
        ? badge(t.scanning, 'issue', true)
        : badge(t.idle, scan.lastError ? 'down' : 'healthy');
    return el('tr', {}, [
      el('td', {}, [toggle]),
      el('td', { className: 'nowrap' }, [bdi(subnet.subnet)]),
      el('td', { className: 'wide' }, [subnet.interfaceName ? bdi(subnet.interfaceName) : '']),
      el('td', {}, [state]),
      el('td', { className: 'nowrap num', textContent: scan.lastScanAt ? fmt.dateTime.format(new Date(scan.lastScanAt)) : t.never }),
      el('td', { className: 'num wide', textContent: scan.lastDurationMs === null ? '' : fmt.seconds.format(scan.lastDurationMs / 1000) }),
      el('td', { className: 'num', textContent: fmt.number.format(scan.answered) }),
      el('td', { className: 'num wide', textContent: fmt.number.format(scan.scans) }),
      el('td', { className: 'error small', textContent: scan.lastError ?? '' }),
    ]);
  });
  $('subnet-rows').replaceChildren(...rows);
}

function connectionPath(connection, serverName) {
  const parts = [];
  if (serverName) parts.push([t.pathServer, serverName]);
  parts.push([t.subnet, connection.subnet + (connection.interfaceName ? ' (' + connection.interfaceName + ')' : '')]);
  if (connection.stack) parts.push([t.pathStack, connection.stack]);
  // Names kept in Latin script run left to right as a whole (GLOSSARY §1).
  if (connection.clink !== null) parts.push(['', 'C-Link ' + String(connection.clink).padStart(2, '0')]);
  if (connection.plink !== null) parts.push(['', 'P-Link ' + String(connection.plink).padStart(2, '0')]);
  const span = el('span');
  parts.forEach(([noun, value], index) => {
    const part = el('span', { className: 'path-part' });
    if (index > 0) part.append(el('span', { className: 'path-sep', textContent: '›', ariaHidden: 'true' }));
    part.append(noun ? noun + ' ' : '', bdi(value));
    span.append(part, ' ');
  });
  return span;
}

/** Rows of the current page by serial, updated in place when their data changes. */
const deviceRows = new Map();

function deviceCells(device, serverName) {
  const severity = device.status ? SEVERITY[device.status] : '';
  const statusCell = el('td', {}, [badge(device.status ? t.deviceStatuses[device.status] : t.pending, severity)]);
  if (device.firmwareProgress !== null) {
    statusCell.append(
      el('div', { className: 'small muted num', textContent: fill(t.firmwareProgress, { percent: fmt.percent.format(device.firmwareProgress / 100) }) }),
      el('div', { className: 'progress' }, [el('div', { style: 'inline-size:' + device.firmwareProgress + '%' })]),
    );
  }
  const sessionCell = el('td', { className: 'wide' }, [el('div', { className: 'nowrap', textContent: t.sessionStates[device.session] })]);
  if (device.sessionError) sessionCell.append(el('div', { className: 'small error', textContent: device.sessionError }));
  if (device.retryAt) {
    sessionCell.append(el('div', { className: 'small muted nowrap', textContent: fill(t.nextRetry, { time: fmt.time.format(new Date(device.retryAt)) }) }));
  }
  return [
    statusCell,
    el('td', { title: device.model }, [bdi(device.modelName)]),
    el('td', {}, [bdi(device.name)]),
    el('td', { className: 'nowrap' }, [bdi(device.serial)]),
    el('td', { className: 'nowrap' }, [bdi(device.accessIp)]),
    el('td', { className: 'wide path' }, [connectionPath(device.connection, serverName)]),
    el('td', { className: 'wide nowrap' }, [bdi(device.firmware)]),
    sessionCell,
  ];
}

function renderDevices(status) {
  const body = $('device-rows');
  const seen = new Set();
  let previous = null;
  for (const device of status.devices) {
    seen.add(device.serial);
    const key = JSON.stringify([device, status.serverName]);
    let row = deviceRows.get(device.serial);
    if (!row) {
      row = { tr: el('tr'), key: '' };
      deviceRows.set(device.serial, row);
    }
    if (row.key !== key) {
      row.tr.replaceChildren(...deviceCells(device, status.serverName));
      row.key = key;
    }
    const expected = previous ? previous.nextSibling : body.firstChild;
    if (expected !== row.tr) body.insertBefore(row.tr, expected);
    previous = row.tr;
  }
  for (const [serial, row] of deviceRows) {
    if (!seen.has(serial)) {
      row.tr.remove();
      deviceRows.delete(serial);
    }
  }
  while (previous ? previous.nextSibling : body.firstChild) (previous ? previous.nextSibling : body.firstChild).remove();
  const total = status.deviceTotal ?? status.devices.length;
  const matches = status.deviceMatches ?? status.devices.length;
  pageOffset = status.offset ?? 0;
  const empty = $('device-empty');
  empty.hidden = status.devices.length > 0;
  empty.textContent = total === 0 ? t.noDevices : t.noMatches;
  $('page-range').textContent = matches === 0 ? '' : fill(t.pageRange, {
    from: fmt.number.format(pageOffset + 1),
    to: fmt.number.format(pageOffset + status.devices.length),
    total: fmt.number.format(matches),
  });
  $('page-previous').disabled = pageOffset === 0;
  $('page-next').disabled = pageOffset + status.devices.length >= matches;
}

const updateSeverity = { failed: 'down', restarting: 'issue', downloading: 'issue', installing: 'issue' };

function renderUpdates(status) {
  const update = status.update;
  const newest = update.availableVersion
    ? fill(t.updateAvailable, { version: update.availableVersion })
    : update.lastCheckAt ? t.upToDate : t.pending;
  $('updates').replaceChildren(
    tile(t.updates, t.updateModes[update.mode], '', true),
    tile(t.sectionUpdates, badge(newest, update.availableVersion ? 'issue' : 'healthy'), '', true),
    tile(t.lastCheck, update.lastCheckAt ? fmt.dateTime.format(new Date(update.lastCheckAt)) : t.never, '', true),
  );
  const details = [el('div', {}, [badge(t.updatePhases[update.phase], updateSeverity[update.phase], update.phase !== 'idle' && update.phase !== 'failed')])];
  if (update.lastError) details.push(el('div', { className: 'error', textContent: labelValue(t.lastError, update.lastError) }));
  $('update-details').replaceChildren(...details);
  $('update-now').disabled = update.mode === 'off' || update.phase === 'restarting';
}

function render(status) {
  renderOverview(status);
  renderUpdates(status);
  renderSubnets(status);
  renderDevices(status);
}

/** Only the newest request renders: an older answer would undo a page turn or filter made while it was on its way. */
let latestRequest = 0;
let inFlight = 0;
async function refresh() {
  const requestId = ++latestRequest;
  inFlight += 1;
  try {
    const query = new URLSearchParams({ offset: String(pageOffset), limit: String(PAGE_SIZE) });
    if (filterText) query.set('q', filterText);
    if (issuesOnly) query.set('issues', '1');
    const response = await fetch('/api/status?' + query);
    if (!response.ok) throw new Error(String(response.status));
    const status = await response.json();
    if (requestId !== latestRequest) return;
    lastStatus = status;
    render(lastStatus);
    if ($('message').dataset.unreachable) { showMessage('', false); delete $('message').dataset.unreachable; }
  } catch {
    if (requestId !== latestRequest) return;
    showMessage(t.agentUnreachable, true);
    $('message').dataset.unreachable = '1';
  } finally {
    inFlight -= 1;
  }
}

const languageSelect = $('language');
for (const code of Object.keys(ALL)) languageSelect.append(el('option', { value: code, textContent: LOCALES[code].name, lang: code }));
languageSelect.addEventListener('change', () => {
  try { localStorage.setItem(STORAGE_KEY, languageSelect.value); } catch {}
  applyLanguage(languageSelect.value);
});

$('hub-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { url: form.url.value, agentName: form.agentName.value };
  if (form.password.value) body.password = form.password.value;
  if (form.organization.value) body.organization = form.organization.value;
  request('POST', '/api/hub', body).then(() => {
    form.password.value = '';
    showMessage(t.saved, false);
    return refresh();
  }, showError);
});
$('subnet-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  request('POST', '/api/subnets', { subnet: form.subnet.value, enabled: true }).then(() => {
    form.subnet.value = '';
    return refresh();
  }, showError);
});
$('rescan').addEventListener('click', () => request('POST', '/api/rescan', {}).then(refresh, showError));
$('update-now').addEventListener('click', () => request('POST', '/api/update', {}).then(refresh, showError));
let filterTimer = null;
$('device-filter').addEventListener('input', (event) => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => { filterText = event.target.value.trim(); pageOffset = 0; refresh(); }, 250);
});
$('issues-only').addEventListener('change', (event) => { issuesOnly = event.target.checked; pageOffset = 0; refresh(); });
$('page-previous').addEventListener('click', () => { pageOffset = Math.max(0, pageOffset - PAGE_SIZE); refresh(); });
$('page-next').addEventListener('click', () => { pageOffset += PAGE_SIZE; refresh(); });

applyLanguage(locale);
refresh();
setInterval(() => { if (inFlight === 0) refresh(); }, 2000);
`;

/**
 * The agent's single page: plain HTML, CSS and JS, no build step. `locale` is the first language shown (the page
 * then prefers the one the user picked, kept in localStorage); every language's strings come with the page.
 */
export function renderPage(locale: UiLocale = 'en'): string {
  const t = uiStrings[locale];
  const text = (key: keyof typeof t): string => {
    const value = t[key];
    return typeof value === 'string' ? escapeHtml(value) : '';
  };
  const tag = (key: keyof typeof t): string => `data-t="${key}"`;
  const severity = Object.fromEntries(deviceStatuses.map((status) => [status, severityOf(status)]));
  return `<!doctype html>
<html lang="${locale}" dir="${uiLocaleInfo[locale].dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text('title')}</title>
<style>${styles}</style>
</head>
<body>
<header class="topbar"><div class="topbar-inner">
  <h1 class="brand" ${tag('title')}>${text('title')}</h1>
  <span id="version" class="muted small"></span>
  <span class="spacer"></span>
  <label><span ${tag('language')}>${text('language')}</span><select id="language"></select></label>
</div></header>
<main>
<div id="message" role="status" aria-live="polite"></div>
<section aria-labelledby="overview-title">
  <h2 id="overview-title" ${tag('sectionOverview')}>${text('sectionOverview')}</h2>
  <div id="overview" class="tiles"></div>
  <div id="link-details" class="small details"></div>
  <h3 ${tag('sectionSessions')}>${text('sectionSessions')}</h3>
  <div id="sessions" class="tiles"></div>
  <h3 ${tag('sectionOutbox')}>${text('sectionOutbox')}</h3>
  <div id="outbox" class="tiles"></div>
  <div id="outbox-error" class="error small" role="alert"></div>
</section>
<section aria-labelledby="updates-title">
  <h2 id="updates-title" ${tag('sectionUpdates')}>${text('sectionUpdates')}</h2>
  <div id="updates" class="tiles"></div>
  <div class="row">
    <div id="update-details" class="small details"></div>
    <span class="spacer"></span>
    <button type="button" id="update-now" class="primary" ${tag('updateNow')}>${text('updateNow')}</button>
  </div>
</section>
<section aria-labelledby="hub-title">
  <h2 id="hub-title" ${tag('sectionHub')}>${text('sectionHub')}</h2>
  <form id="hub-form" class="hub-form" autocomplete="off">
    <label class="field"><span ${tag('hubUrl')}>${text('hubUrl')}</span><input type="url" name="url" required dir="ltr" placeholder="https://hub.example.com"></label>
    <label class="field"><span ${tag('name')}>${text('name')}</span><input type="text" name="agentName" required maxlength="64"></label>
    <label class="field"><span ${tag('password')}>${text('password')}</span><input type="password" name="password" maxlength="256" data-t-placeholder="passwordKept" placeholder="${text('passwordKept')}"></label>
    <label class="field"><span ${tag('organization')}>${text('organization')}</span><input type="text" name="organization" maxlength="64"></label>
    <div class="row form-actions"><button type="submit" class="primary" ${tag('save')}>${text('save')}</button></div>
  </form>
</section>
<section aria-labelledby="subnets-title">
  <h2><span id="subnets-title" ${tag('sectionSubnets')}>${text('sectionSubnets')}</span> <span id="subnet-count" class="badge"></span></h2>
  <div class="table-wrap"><table>
    <thead><tr><th ${tag('enabled')}>${text('enabled')}</th><th ${tag('subnet')}>${text('subnet')}</th>
    <th class="wide" ${tag('interfaceName')}>${text('interfaceName')}</th><th ${tag('scan')}>${text('scan')}</th>
    <th ${tag('lastScan')}>${text('lastScan')}</th><th class="wide" ${tag('scanDuration')}>${text('scanDuration')}</th>
    <th ${tag('answered')}>${text('answered')}</th><th class="wide" ${tag('scans')}>${text('scans')}</th><th></th></tr></thead>
    <tbody id="subnet-rows"></tbody>
  </table></div>
  <form id="subnet-form" class="row" style="margin-block-start:0.75rem">
    <input type="text" name="subnet" required dir="ltr" placeholder="127.20.1.0" data-t-aria="subnet" aria-label="${text('subnet')}">
    <button type="submit" ${tag('addSubnet')}>${text('addSubnet')}</button>
    <button type="button" id="rescan" class="primary" ${tag('rescan')}>${text('rescan')}</button>
  </form>
</section>
<section aria-labelledby="devices-title">
  <h2 id="devices-title" ${tag('sectionDevices')}>${text('sectionDevices')}</h2>
  <div class="toolbar">
    <input type="search" id="device-filter" data-t-placeholder="filterDevices" placeholder="${text('filterDevices')}" data-t-aria="filterDevices" aria-label="${text('filterDevices')}">
    <label class="row small"><input type="checkbox" id="issues-only"><span ${tag('issuesOnly')}>${text('issuesOnly')}</span></label>
    <div class="pager">
      <span id="page-range" class="small muted num"></span>
      <button type="button" id="page-previous" ${tag('previous')}>${text('previous')}</button>
      <button type="button" id="page-next" ${tag('next')}>${text('next')}</button>
    </div>
  </div>
  <div class="table-wrap"><table>
    <thead><tr><th ${tag('status')}>${text('status')}</th><th ${tag('model')}>${text('model')}</th><th ${tag('name')}>${text('name')}</th>
    <th ${tag('serial')}>${text('serial')}</th><th ${tag('ip')}>${text('ip')}</th><th class="wide" ${tag('connectionPath')}>${text('connectionPath')}</th>
    <th class="wide" ${tag('firmware')}>${text('firmware')}</th><th class="wide" ${tag('session')}>${text('session')}</th></tr></thead>
    <tbody id="device-rows"></tbody>
  </table></div>
  <p id="device-empty" class="muted" hidden></p>
</section>
</main>
<script>window.TUTTI_STRINGS = ${scriptJson(uiStrings)}; window.TUTTI_LOCALES = ${scriptJson(uiLocaleInfo)};
window.TUTTI_SEVERITY = ${scriptJson(severity)}; window.TUTTI_PAGE_SIZE = ${DEVICE_PAGE_SIZE};</script>
<script>${script}</script>
</body>
</html>
`;
}
