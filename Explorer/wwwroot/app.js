// The grid explorer's page: plain JavaScript over /explorer/api (no build step, nothing fetched from elsewhere).
'use strict';

const pageSize = 100;
const state = { path: '/', offset: 0, live: null, editEnabled: false };
const $ = (id) => document.getElementById(id);

async function api(url, options) {
  const response = await fetch('/explorer/api' + url, options);
  const body = await response.json().catch(() => ({ error: 'HTTP ' + response.status, message: response.statusText }));
  if (!response.ok) throw Object.assign(new Error(body.message || body.error), { code: body.error, status: response.status });
  return body;
}

function el(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  return node;
}

function table(target, headers, rows) {
  target.replaceChildren();
  if (headers) {
    const tr = el('tr');
    headers.forEach((h) => tr.append(el('th', h)));
    target.append(tr);
  }
  for (const row of rows) {
    const tr = el('tr');
    for (const value of row) tr.append(value instanceof HTMLTableCellElement ? value : el('td', String(value)));
    target.append(tr);
  }
}

function cell(node) { const td = el('td'); td.append(node); return td; }

function join(parent, name) { return parent === '/' ? '/' + name : parent + '/' + name; }

// ---- tree ----
function showBreadcrumb(path) {
  const crumbs = $('breadcrumb');
  crumbs.replaceChildren(el('a', '/', { href: '#tree:/' }));
  let current = '';
  for (const part of path.split('/').filter(Boolean)) {
    current += '/' + part;
    crumbs.append(document.createTextNode(current.length > part.length + 1 ? '/' : ''), el('a', part, { href: '#tree:' + current }));
  }
}

async function loadNode() {
  const path = state.path;
  $('node-path').textContent = path;
  try {
    const node = await api('/node?path=' + encodeURIComponent(path));
    if (path !== state.path) return;
    $('node-error').hidden = true;
    $('data-kind').textContent = node.data.kind + (node.data.truncated ? ' (truncated)' : '');
    $('data').textContent = node.data.text;
    table($('stat'), null, Object.entries(node.stat).map(([k, v]) => [k, v]));
    if (Array.isArray(node.acl)) table($('acl'), ['scheme', 'id', 'perms'], node.acl.map((a) => [a.scheme, a.id, a.perms]));
    else table($('acl'), null, [[node.acl.error]]);
  } catch (error) {
    if (path !== state.path) return;
    $('node-error').hidden = false;
    $('node-error').textContent = error.code + ': ' + error.message;
    $('data-kind').textContent = '';
    $('data').textContent = '';
    $('stat').replaceChildren();
    $('acl').replaceChildren();
  }
}

async function loadChildren() {
  const path = state.path;
  const list = $('children');
  try {
    const page = await api('/children?path=' + encodeURIComponent(path) + '&offset=' + state.offset + '&limit=' + pageSize);
    if (path !== state.path) return;
    list.replaceChildren(...page.names.map((name) => {
      const li = el('li');
      li.append(el('a', name, { href: '#tree:' + join(path, name) }));
      return li;
    }));
    $('children-count').textContent = '(' + page.total + ')';
    const last = Math.min(page.offset + page.names.length, page.total);
    $('page-info').textContent = page.total ? (page.offset + 1) + '–' + last + ' of ' + page.total : '';
    $('prev-page').disabled = page.offset === 0;
    $('next-page').disabled = last >= page.total;
  } catch (error) {
    if (path !== state.path) return;
    list.replaceChildren();
    $('children-count').textContent = '';
    $('page-info').textContent = '';
  }
}

// One live view at a time: the open node's persistent watch, through server-sent events.
function watch(path) {
  if (state.live) state.live.close();
  $('live-status').textContent = 'not live';
  $('live-status').classList.remove('live');
  const source = new EventSource('/explorer/api/live?path=' + encodeURIComponent(path));
  state.live = source;
  source.addEventListener('ready', () => {
    if (state.live !== source) return;
    $('live-status').textContent = 'live';
    $('live-status').classList.add('live');
    // Whatever changed between the first read and the watch is read now.
    loadNode();
    loadChildren();
  });
  source.addEventListener('change', () => {
    if (state.live !== source) return;
    loadNode();
    loadChildren();
  });
  source.onerror = () => {
    if (state.live !== source) return;
    $('live-status').textContent = 'not live';
    $('live-status').classList.remove('live');
  };
}

function openPath(path) {
  if (path !== state.path) state.offset = 0;
  state.path = path;
  showBreadcrumb(path);
  loadNode();
  loadChildren();
  watch(path);
}

$('prev-page').onclick = () => { state.offset = Math.max(0, state.offset - pageSize); loadChildren(); };
$('next-page').onclick = () => { state.offset += pageSize; loadChildren(); };

// ---- editing ----
const editHeaders = { 'Content-Type': 'application/json', 'X-Coord-Explorer': 'edit' };

async function edit(url, body) {
  try {
    const result = await api(url, { method: 'POST', headers: editHeaders, body: JSON.stringify(body) });
    $('edit-result').className = '';
    $('edit-result').textContent = 'done';
    // Not left to the live view alone: the change shows also when the view is not live.
    loadNode();
    loadChildren();
    return result;
  } catch (error) {
    $('edit-result').className = 'error';
    $('edit-result').textContent = error.code + ': ' + error.message;
    return null;
  }
}

async function loadEditing() {
  const editing = await api('/editing');
  state.editEnabled = editing.enabled;
  $('edit').hidden = !editing.enabled;
  $('readonly-note').hidden = editing.enabled;
  $('identity').textContent = editing.identities.length ? 'Signed in as ' + editing.identities.join(', ') : 'Not signed in.';
}

$('signin').onsubmit = async (event) => {
  event.preventDefault();
  const result = await edit('/signin', { user: $('signin-user').value, password: $('signin-password').value });
  $('signin-password').value = '';
  if (result) $('identity').textContent = 'Signed in as ' + result.identities.join(', ');
};
$('signout').onclick = async () => { await edit('/signout', {}); loadEditing(); };
$('set-form').onsubmit = async (event) => { event.preventDefault(); await edit('/set', { path: state.path, data: $('set-data').value }); };
$('delete-node').onclick = async () => {
  if (await edit('/delete', { path: state.path })) location.hash = '#tree:' + (state.path.substring(0, state.path.lastIndexOf('/')) || '/');
};
$('create-form').onsubmit = async (event) => {
  event.preventDefault();
  await edit('/create', { path: join(state.path, $('create-name').value), data: $('create-data').value });
};

// ---- proxy ----
function specText(spec) { return JSON.stringify(spec); }
function treeLink(path) { return el('a', path, { href: '#tree:' + path }); }

async function loadProxy() {
  try {
    const proxy = await api('/proxy');
    table($('proxy-routes'), ['route', 'spec'], proxy.routes.map((r) => [cell(treeLink(r.path)), specText(r.spec)]));
    table($('proxy-clusters'), ['cluster', 'spec'], proxy.clusters.map((c) => [cell(treeLink(c.path)), specText(c.spec)]));
    table($('proxy-instances'), ['cluster', 'instance', 'spec', 'session'],
      proxy.services.flatMap((s) => s.instances.map((i) => [s.cluster, cell(treeLink(i.path)), specText(i.spec), i.ephemeralOwner === '0x0' ? '' : cell(sessionLink(i.ephemeralOwner))])));
    const health = [];
    for (const status of proxy.status) {
      for (const [cluster, view] of Object.entries((status.spec && status.spec.clusters) || {})) {
        for (const [instance, seen] of Object.entries(view.instances || {})) {
          health.push([status.id, cluster, instance, seen.address, seen.healthy ? 'healthy' : 'out', seen.passive, seen.active, seen.inFlight]);
        }
      }
    }
    table($('proxy-health'), ['proxy', 'cluster', 'instance', 'address', 'state', 'passive', 'active', 'in flight'], health);
  } catch (error) {
    table($('proxy-routes'), null, [[error.code + ': ' + error.message]]);
  }
}
$('proxy-refresh').onclick = loadProxy;

// ---- navigation: #tree:/path, #recipes, #recipe:Kind:name, #proxy, #sessions, #session:0x… ----
function route() {
  const hash = decodeURIComponent(location.hash.substring(1)) || 'tree:/';
  const colon = hash.indexOf(':');
  const [head, argument] = colon < 0 ? [hash, ''] : [hash.substring(0, colon), hash.substring(colon + 1)];
  const tab = { tree: 'tree', recipe: 'recipes', session: 'sessions' }[head] || head;
  for (const section of document.querySelectorAll('.tab')) section.hidden = section.id !== 'tab-' + tab;
  for (const link of document.querySelectorAll('#tabs a')) link.classList.toggle('active', link.dataset.tab === tab);
  if (tab === 'tree') openPath(argument || '/');
  else if (state.live) { state.live.close(); state.live = null; }
  if (tab === 'proxy') loadProxy();
  // operator.js: the sessions and recipes views (null when another tab shows).
  showOperatorView(tab === 'sessions' || tab === 'recipes' ? tab : null, argument);
}

window.addEventListener('hashchange', route);
// The watch goes when the page goes.
window.addEventListener('pagehide', () => { if (state.live) state.live.close(); });
loadEditing().catch(() => {});
// After every script of the page ran (operator.js comes after this one).
window.addEventListener('DOMContentLoaded', route);
