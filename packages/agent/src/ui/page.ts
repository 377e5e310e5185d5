import { uiStrings, type UiLocale } from './strings.ts';

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const styles = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 72rem; padding: 1rem; }
  header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
  section { border: 1px solid #8884; border-radius: 8px; padding: 0.75rem 1rem; margin-block: 1rem; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-block: 0.25rem 0.75rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
  th, td { text-align: start; padding: 0.3rem 0.5rem; border-block-end: 1px solid #8883; }
  form { display: grid; gap: 0.5rem; max-width: 32rem; }
  label { display: grid; gap: 0.2rem; font-size: 0.9rem; }
  input[type=text], input[type=url], input[type=password] { padding: 0.35rem; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
  .badge { border-radius: 999px; padding: 0.1rem 0.6rem; font-size: 0.85rem; background: #8882; }
  .healthy { background: #2a7d2e33; } .issue { background: #c98a0033; } .down { background: #c0392b33; }
  .error { color: #c0392b; } .muted { opacity: 0.7; } .nowrap { white-space: nowrap; }
  @media (max-width: 40rem) { .wide { display: none; } }
`;

/** Runs in the browser: polls /api/status and renders it with DOM calls (never innerHTML with device data). */
const script = `
const t = window.TUTTI_STRINGS;
const fill = (text, values) => text.replace(/{{(\\w+)}}/g, (_, key) => String(values[key] ?? ''));
const numberFormat = new Intl.NumberFormat(document.documentElement.lang);
const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'short', timeStyle: 'medium' });
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
};
const severityOf = { healthy: 'healthy', down: 'down' };
let hubFormFilled = false;

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
  return data;
}

function renderLink(status) {
  const link = status.link;
  const box = document.getElementById('link');
  box.replaceChildren(
    el('div', { className: 'row' }, [
      el('strong', { textContent: t.linkState + ':' }),
      el('span', {
        className: 'badge ' + (link.state === 'connected' ? 'healthy' : link.state === 'auth_failed' ? 'down' : 'issue'),
        textContent: t.linkStates[link.state],
      }),
      link.url ? el('bdi', { textContent: link.url }) : '',
    ]),
    link.organizationName ? el('div', { textContent: t.organizationName + ': ' + link.organizationName }) : '',
    link.lastError ? el('div', { className: 'error', textContent: t.lastError + ': ' + link.lastError }) : '',
    el('div', { className: 'row' }, [
      el('strong', { textContent: t.monitoring + ':' }),
      el('span', { textContent: t.monitoringStates[status.monitoring] }),
    ]),
  );
  if (!hubFormFilled) {
    const form = document.getElementById('hub-form');
    form.url.value = link.url ?? '';
    form.agentName.value = link.agentName ?? '';
    form.organization.value = link.organization ?? '';
    hubFormFilled = true;
  }
}

function renderSubnets(status) {
  const enabled = status.subnets.filter((subnet) => subnet.enabled).length;
  document.getElementById('subnet-count').textContent = fill(t.enabledCount, { enabled, total: status.subnets.length });
  const rows = status.subnets.map((subnet) => {
    const toggle = el('input', { type: 'checkbox', checked: subnet.enabled });
    toggle.setAttribute('aria-label', t.enabled + ' ' + subnet.subnet);
    toggle.addEventListener('change', () => {
      post('/api/subnets', { subnet: subnet.subnet, enabled: toggle.checked }).then(refresh, showError);
    });
    const scan = subnet.scan;
    const last = scan.scanning ? t.scanning : scan.lastScanAt ? dateFormat.format(new Date(scan.lastScanAt)) : t.never;
    return el('tr', {}, [
      el('td', {}, [toggle]),
      el('td', {}, [el('bdi', { textContent: subnet.subnet })]),
      el('td', { className: 'wide', textContent: subnet.interfaceName ?? '' }),
      el('td', { textContent: last }),
      el('td', { textContent: numberFormat.format(scan.answered) }),
      el('td', { className: 'error', textContent: scan.lastError ?? '' }),
    ]);
  });
  document.getElementById('subnet-rows').replaceChildren(...rows);
}

function renderDevices(status) {
  const rows = status.devices.map((device) =>
    el('tr', {}, [
      el('td', {}, [
        el('span', {
          className: 'badge ' + (severityOf[device.status] ?? (device.status ? 'issue' : '')),
          textContent: device.status ? t.deviceStatuses[device.status] : t.pending,
        }),
      ]),
      el('td', { textContent: device.modelName, title: device.model }),
      el('td', { textContent: device.name }),
      el('td', { className: 'nowrap' }, [el('bdi', { textContent: device.serial })]),
      el('td', { className: 'nowrap' }, [el('bdi', { textContent: device.accessIp })]),
      el('td', { className: 'wide' }, [el('bdi', { textContent: device.connectionPath })]),
      el('td', { className: 'wide', textContent: t.sessionStates[device.session] }),
    ]),
  );
  if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colSpan: 7, className: 'muted', textContent: t.noDevices })]));
  document.getElementById('device-rows').replaceChildren(...rows);
}

function renderOutbox(status) {
  document.getElementById('outbox').textContent = fill(t.outboxDepth, {
    depth: numberFormat.format(status.outbox.depth),
    bytes: numberFormat.format(status.outbox.bytes),
    compacted: numberFormat.format(status.outbox.compacted),
  });
  document.getElementById('version').textContent = fill(t.version, { version: status.version });
}

function showError(error) {
  document.getElementById('message').textContent = error.message;
  document.getElementById('message').className = 'error';
}

async function refresh() {
  try {
    const status = await (await fetch('/api/status')).json();
    renderLink(status);
    renderSubnets(status);
    renderDevices(status);
    renderOutbox(status);
  } catch (error) {
    showError(error);
  }
}

document.getElementById('hub-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { url: form.url.value, agentName: form.agentName.value };
  if (form.password.value) body.password = form.password.value;
  if (form.organization.value) body.organization = form.organization.value;
  post('/api/hub', body).then(() => {
    form.password.value = '';
    document.getElementById('message').textContent = t.saved;
    document.getElementById('message').className = '';
    return refresh();
  }, showError);
});
document.getElementById('subnet-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  post('/api/subnets', { subnet: form.subnet.value, enabled: true }).then(() => {
    form.subnet.value = '';
    return refresh();
  }, showError);
});
document.getElementById('rescan').addEventListener('click', () => post('/api/rescan', {}).then(refresh, showError));
refresh();
setInterval(refresh, 2000);
`;

/** The agent's single page: plain HTML, CSS and JS, no build step. */
export function renderPage(locale: UiLocale = 'en'): string {
  const t = uiStrings[locale];
  const escape = (text: string): string =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)}</title>
<style>${styles}</style>
</head>
<body>
<header><h1>${escape(t.title)}</h1><span id="version" class="muted"></span></header>
<div id="message" role="status"></div>
<section>
  <div id="link"></div>
</section>
<section>
  <h2>${escape(t.sectionHub)}</h2>
  <form id="hub-form" autocomplete="off">
    <label>${escape(t.hubUrl)}<input type="url" name="url" required placeholder="https://hub.example.com"></label>
    <label>${escape(t.agentName)}<input type="text" name="agentName" required maxlength="64"></label>
    <label>${escape(t.password)}<input type="password" name="password" maxlength="256" placeholder="${escape(t.passwordKept)}"></label>
    <label>${escape(t.organization)}<input type="text" name="organization" maxlength="64"></label>
    <div class="row"><button type="submit">${escape(t.save)}</button></div>
  </form>
</section>
<section>
  <h2>${escape(t.sectionSubnets)} <span id="subnet-count" class="muted"></span></h2>
  <table>
    <thead><tr><th>${escape(t.enabled)}</th><th>${escape(t.subnet)}</th><th class="wide">${escape(t.interfaceName)}</th>
    <th>${escape(t.lastScan)}</th><th>${escape(t.answered)}</th><th></th></tr></thead>
    <tbody id="subnet-rows"></tbody>
  </table>
  <form id="subnet-form" class="row">
    <input type="text" name="subnet" required placeholder="127.20.1.0" aria-label="${escape(t.subnet)}">
    <button type="submit">${escape(t.addSubnet)}</button>
    <button type="button" id="rescan">${escape(t.rescan)}</button>
  </form>
</section>
<section>
  <h2>${escape(t.sectionDevices)}</h2>
  <table>
    <thead><tr><th>${escape(t.status)}</th><th>${escape(t.model)}</th><th>${escape(t.name)}</th><th>${escape(t.serial)}</th>
    <th>${escape(t.ip)}</th><th class="wide">${escape(t.connectionPath)}</th><th class="wide">${escape(t.session)}</th></tr></thead>
    <tbody id="device-rows"></tbody>
  </table>
</section>
<section>
  <h2>${escape(t.sectionOutbox)}</h2>
  <div id="outbox"></div>
</section>
<script>window.TUTTI_STRINGS = ${scriptJson(t)};</script>
<script>${script}</script>
</body>
</html>
`;
}
