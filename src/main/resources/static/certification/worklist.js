// The reviewer's worklist of an access certification campaign: only the caller's items, served by /api/certifications.
(function () {
  const campaign = new URLSearchParams(location.search).get('campaign');
  const rows = document.getElementById('items');
  const message = document.getElementById('message');
  let csrf = null;
  let next = null;

  function say(text, ok) {
    message.textContent = text;
    message.className = ok ? 'ok' : 'error';
  }

  async function call(method, url, body) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET') {
      if (!csrf) {
        csrf = await (await fetch('/api/security/csrf', { headers: { 'Accept': 'application/json' } })).json();
      }
      headers[csrf.headerName] = csrf.token;
    }
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const fields = (data.errors || []).map(e => e.field + ': ' + e.reason).join('; ');
      const error = new Error(fields || data.detail || ('HTTP ' + response.status));
      error.errors = data.errors || [];
      throw error;
    }
    return data;
  }

  function filters() {
    const form = new FormData(document.getElementById('filters'));
    const query = new URLSearchParams();
    for (const name of ['system', 'entitlement', 'flag']) {
      if (form.get(name)) query.set(name, form.get(name));
    }
    query.set('open', document.getElementById('filter-open').checked);
    query.set('size', '50');
    return query;
  }

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : text;
    if (className) td.className = className;
    return td;
  }

  function render(items, append) {
    if (!append) rows.replaceChildren();
    for (const item of items) {
      const tr = document.createElement('tr');
      tr.dataset.item = item.id;
      // SoD-flagged or privileged: certifying it needs a reason (the server refuses it otherwise)
      tr.dataset.sensitive = String(!!item.privileged || item.flags.includes('privileged')
          || item.flags.includes('sod-conflict'));
      const check = document.createElement('td');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = 'select-item';
      box.value = item.id;
      box.disabled = !!item.decision;
      check.appendChild(box);
      tr.appendChild(check);
      const person = cell(item.identityName + ' (' + item.identityId + ')', 'person');
      const job = document.createElement('div');
      job.className = 'job';
      job.textContent = item.identityJob || (item.identityKind === 'service' ? 'service account' : 'no job from HR');
      person.appendChild(job);
      tr.appendChild(person);
      tr.appendChild(cell(item.systemId));
      tr.appendChild(cell(item.entitlementName ? item.entitlementName + ' (' + item.entitlementId + ')' : item.entitlementId,
          'entitlement'));
      tr.appendChild(cell(item.grantedAt.substring(0, 10)));
      // last use as the system reports it; a system that reports no usage says nothing either way
      tr.appendChild(cell(item.lastUsedAt ? item.lastUsedAt.substring(0, 10) : (item.usageFed ? 'never' : 'not reported'),
          'last-used'));
      const flags = document.createElement('td');
      for (const flag of item.flags) {
        const span = document.createElement('span');
        span.className = 'flag ' + flag;
        span.textContent = flag;
        flags.appendChild(span);
      }
      tr.appendChild(flags);
      tr.appendChild(cell(item.decision ? item.decision + (item.decisionReason ? ': ' + item.decisionReason : '') : '',
          item.decision || ''));
      rows.appendChild(tr);
    }
  }

  async function load(append) {
    const query = filters();
    if (append && next) query.set('after', next);
    const page = await call('GET', '/api/certifications/' + encodeURIComponent(campaign) + '/worklist?' + query);
    render(page.items, append);
    next = page.nextAfter;
    document.getElementById('more').hidden = !next;
    const items = page.progress.items, decided = page.progress.decided;
    document.getElementById('progress').style.width = (items ? Math.round(100 * decided / items) : 0) + '%';
    document.getElementById('counts').textContent = decided + ' of ' + items + ' decided';
  }

  function selected() {
    return Array.from(document.querySelectorAll('.select-item:checked')).map(b => Number(b.value));
  }

  /** The server's refusal beside each selected item it concerns (the decision's cell), until the next decision. */
  function showRefusals(itemIds, text) {
    for (const id of itemIds) {
      const row = rows.querySelector('tr[data-item="' + id + '"]');
      if (!row || row.dataset.sensitive !== 'true') continue;
      const note = document.createElement('div');
      note.className = 'refusal';
      note.setAttribute('role', 'alert');
      note.textContent = 'Not certified: ' + text;
      row.lastElementChild.appendChild(note);
    }
  }

  async function decide(decision) {
    rows.querySelectorAll('.refusal').forEach(n => n.remove());
    const itemIds = selected();
    if (!itemIds.length) return say('Select items first.');
    // the server asks for a reason to revoke, and to certify SoD-flagged or privileged access: send it when given
    const reason = document.getElementById('revoke-reason').value.trim() || null;
    if (!window.confirm((decision === 'revoke' ? 'Revoke ' : 'Certify ') + itemIds.length + ' selected item(s)?')) {
      return say('Nothing decided.');
    }
    try {
      const result = await call('POST', '/api/certifications/' + encodeURIComponent(campaign) + '/decisions',
          { itemIds, decision, reason });
      say(result.decided + ' item(s): ' + decision + (result.revocations.length ? ', revocations ' + result.revocations.join(', ') : ''), true);
      await load(false);
    } catch (e) {
      say(e.message);
      const refusal = decision === 'certify' && (e.errors || []).find(x => x.field === 'reason');
      if (refusal) {
        showRefusals(itemIds, 'a reason ' + refusal.reason.replace(/ \(item\(s\)[^)]*\)/, ''));
      }
    }
  }

  async function start() {
    if (!campaign) return say('No campaign: open this page from your review task in Tasklist.');
    try {
      const progress = await call('GET', '/api/certifications/' + encodeURIComponent(campaign));
      const c = progress.campaign;
      document.getElementById('campaign').textContent = c.id + ' · ' + c.name + ' · ' + c.status + ' · due ' + c.due_at;
      await load(false);
    } catch (e) {
      say(e.message);
    }
  }

  document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); load(false).catch(x => say(x.message)); });
  document.getElementById('more').addEventListener('click', () => load(true).catch(x => say(x.message)));
  document.getElementById('select-page').addEventListener('click', () =>
      document.querySelectorAll('.select-item:not(:disabled)').forEach(b => { b.checked = true; }));
  document.getElementById('certify-selected').addEventListener('click', () => decide('certify'));
  document.getElementById('revoke-selected').addEventListener('click', () => decide('revoke'));
  document.getElementById('reassign-selected').addEventListener('click', async () => {
    const itemIds = selected();
    if (!itemIds.length) return say('Select items first.');
    if (!window.confirm('Reassign ' + itemIds.length + ' selected item(s) to ' + document.getElementById('reassign-to').value + '?')) {
      return say('Nothing reassigned.');
    }
    try {
      const result = await call('POST', '/api/certifications/' + encodeURIComponent(campaign) + '/reassignments',
          { itemIds, to: document.getElementById('reassign-to').value, reason: document.getElementById('reassign-reason').value });
      say(result.reassigned + ' item(s) reassigned to ' + result.to, true);
      await load(false);
    } catch (e) {
      say(e.message);
    }
  });
  start();
})();
