// The operator's views of the explorer: live sessions (ephemerals, recipe holds) and recipes (holders, waiters, queue
// depth), a page at a time, refreshed every few seconds while shown. Uses app.js's helpers ($, api, el, table, cell).
'use strict';

const operatorPageSize = 50;
const operatorRefreshMs = 3000;
const operator = { view: null, argument: '', offset: { sessions: 0, recipes: 0 }, timer: null };

function sessionLink(id) { return el('a', id, { href: '#session:' + id, class: 'session' }); }
function recipeLink(kind, name) { return el('a', kind + ' ' + name, { href: '#recipe:' + encodeURIComponent(kind + ':' + name) }); }

// A cell holding a list of nodes, one a line.
function listCell(nodes) {
  const td = el('td');
  nodes.forEach((node, i) => { if (i) td.append(el('br')); td.append(node); });
  return td;
}

function sessionRow(s) {
  const ephemerals = s.ephemerals.map((path) => el('a', path, { href: '#tree:' + path }));
  if (s.ephemeralCount > s.ephemerals.length) ephemerals.push(el('span', '… ' + (s.ephemeralCount - s.ephemerals.length) + ' more'));
  return [cell(sessionLink(s.id)), (s.timeoutMs / 1000) + ' s' + (s.closing ? ' (closing)' : ''), s.silo || '(not active)',
    listCell(ephemerals), listCell(s.holds.map((h) => recipeLink(h.kind, h.name)))];
}

// One holder or waiter: its name, mode (and token), and a link to its session.
function partyNode(p, withToken) {
  const span = el('span', p.holder + ' (' + p.mode.toLowerCase() + (withToken ? ', token ' + p.token : '') + ') in ');
  span.append(sessionLink(p.session));
  return span;
}

function recipeRow(r) {
  const status = r.error ? r.error
    : r.depth ? r.depth.ready + ' ready, ' + r.depth.inFlight + ' taken'
      : 'last token ' + r.lastToken + (r.limit ? ', limit ' + r.limit : '');
  return [r.kind, r.name, listCell(r.holders.map((h) => partyNode(h, true))), listCell(r.waiters.map((w) => partyNode(w, false))), status];
}

function pager(prefix, page, count) {
  const last = Math.min(page.offset + count, page.total);
  $(prefix + '-page-info').textContent = page.total ? (page.offset + 1) + '–' + last + ' of ' + page.total : '';
  $(prefix + '-prev').disabled = page.offset === 0;
  $(prefix + '-next').disabled = last >= page.total;
}

const operatorViews = {
  sessions: {
    headers: ['session', 'timeout', 'silo', 'ephemerals', 'holds'],
    one: (id) => '/session?id=' + encodeURIComponent(id),
    rows: (page) => page.sessions,
    row: sessionRow,
  },
  recipes: {
    headers: ['kind', 'name', 'holders', 'waiters', 'state'],
    one: (key) => '/recipe?kind=' + encodeURIComponent(key.substring(0, key.indexOf(':'))) + '&name=' + encodeURIComponent(key.substring(key.indexOf(':') + 1)),
    rows: (page) => page.recipes,
    row: recipeRow,
  },
};

async function loadOperatorView() {
  const [view, argument] = [operator.view, operator.argument];
  if (!view) return;
  const spec = operatorViews[view];
  const target = $(view);
  $(view + '-filter').hidden = !argument;
  try {
    let rows;
    if (argument) {
      rows = [await api(spec.one(argument))];
      $(view + '-count').textContent = '';
      pager(view, { offset: 0, total: 1 }, 1);
    } else {
      const page = await api('/' + view + '?offset=' + operator.offset[view] + '&limit=' + operatorPageSize);
      rows = spec.rows(page);
      $(view + '-count').textContent = '(' + page.total + ')';
      pager(view, page, rows.length);
    }
    if (operator.view !== view || operator.argument !== argument) return;
    table(target, spec.headers, rows.map(spec.row));
  } catch (error) {
    if (operator.view !== view || operator.argument !== argument) return;
    table(target, null, [[error.code + ': ' + error.message]]);
  }
}

// Called by app.js's router: which operator view shows now (null: none), and its argument (one session or recipe).
function showOperatorView(view, argument) {
  if (view !== operator.view) operator.offset = { sessions: 0, recipes: 0 };
  operator.view = view;
  operator.argument = argument;
  clearInterval(operator.timer);
  operator.timer = null;
  if (!view) return;
  loadOperatorView();
  operator.timer = setInterval(loadOperatorView, operatorRefreshMs);
}

for (const view of Object.keys(operatorViews)) {
  $(view + '-refresh').onclick = loadOperatorView;
  $(view + '-prev').onclick = () => { operator.offset[view] = Math.max(0, operator.offset[view] - operatorPageSize); loadOperatorView(); };
  $(view + '-next').onclick = () => { operator.offset[view] += operatorPageSize; loadOperatorView(); };
}
