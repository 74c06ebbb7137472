// The Standards view's page script (plain browser JavaScript, loaded with the page's nonce).
// It builds the list from the host's messages with DOM calls: every text from a proposal goes
// in through textContent or an input's value; the only innerHTML is the host's sanitised
// rendering. Buttons post messages; the host validates each one and decides who approves.
// Edits in progress are kept with setState, so hiding and showing the view loses nothing.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const saved = vscode.getState() || {};
  /** @type {Record<string, {title: string, domain: string, topic: string, tags: string, body: string, reason: string, rejecting: boolean}>} */
  const drafts = saved.drafts || {};
  const app = document.getElementById('app');
  const list = document.getElementById('proposals');
  const empty = document.getElementById('empty');
  const count = document.getElementById('pending-count');
  const status = document.getElementById('status');
  const recentSection = document.getElementById('recent-section');
  const recentList = document.getElementById('recent');
  /** @type {Map<string, ReturnType<typeof buildCard>>} */
  const cards = new Map();
  const previewTimers = new Map();
  let shownNotice = null;

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'state':
        return renderState(message);
      case 'preview':
        return cards.get(message.id)?.showPreview(message);
      case 'decided':
        return onDecided(message);
      case 'failed':
        return cards.get(message.id)?.showFailure(message);
    }
  });

  function renderState(state) {
    app.setAttribute('aria-busy', 'false');
    const ids = new Set(state.proposals.map((p) => p.id));
    for (const id of cards.keys()) {
      if (!ids.has(id)) removeCard(id);
    }
    // New proposals are the newest, so they go at the end (the host sends oldest first).
    // Existing cards are left where they are: moving one would take the focus from a person typing.
    for (const proposal of state.proposals) {
      if (cards.has(proposal.id)) continue;
      const card = buildCard(proposal);
      cards.set(proposal.id, card);
      list.appendChild(card.root);
    }
    const n = state.proposals.length;
    count.textContent = n > 0 ? `(${n})` : '';
    empty.hidden = n > 0 || !state.available;
    // A notice (no folder, still starting) stands in the status line until the state changes.
    if (state.notice) setStatus(state.notice);
    else if (status.textContent === shownNotice) setStatus('');
    shownNotice = state.notice;
    renderRecent(state.recent);
    saveDrafts();
    if (state.focus && cards.has(state.focus)) {
      const card = cards.get(state.focus);
      card.root.scrollIntoView({ block: 'start' });
      card.fields.title.focus();
    }
  }

  function renderRecent(recent) {
    recentList.replaceChildren();
    recentSection.hidden = recent.length === 0;
    for (const decision of recent) {
      const item = el('li', { className: `decision ${decision.status}` });
      const label = el('span', { className: 'decision-status', text: decision.status === 'approved' ? 'Approved' : 'Rejected' });
      const title = el('span', { className: 'decision-title', text: decision.title });
      const by = el('span', { className: 'meta', text: ` by ${decision.decidedBy}` });
      item.append(label, ' ', title, by);
      if (decision.reason) item.append(el('div', { className: 'meta reason', text: `Reason: ${decision.reason}` }));
      if (decision.path) {
        const open = el('button', { className: 'link-button', text: decision.path, type: 'button' });
        open.setAttribute('aria-label', `Open ${decision.path}`);
        open.addEventListener('click', () => vscode.postMessage({ type: 'open', id: decision.id }));
        item.append(el('div', {}, [open]));
      }
      recentList.append(item);
    }
  }

  function onDecided(message) {
    setStatus(message.message);
    if (cards.has(message.id)) removeCard(message.id);
    const n = cards.size;
    count.textContent = n > 0 ? `(${n})` : '';
    empty.hidden = n > 0;
  }

  /** Removes a decided proposal's card. If it held the focus, the next proposal's title takes it, else the status line: never nowhere. */
  function removeCard(id) {
    const card = cards.get(id);
    const hadFocus = card.root.contains(document.activeElement);
    const next = card.root.nextElementSibling || card.root.previousElementSibling;
    card.root.remove();
    cards.delete(id);
    delete drafts[id];
    saveDrafts();
    if (!hadFocus) return;
    const nextCard = next && cards.get(next.dataset.id);
    if (nextCard) nextCard.fields.title.focus();
    else status.focus();
  }

  function buildCard(proposal) {
    const id = proposal.id;
    const draft = drafts[id] || { title: proposal.title, domain: proposal.domain, topic: proposal.topic, tags: proposal.tags.join(', '), body: proposal.body, reason: '', rejecting: false };
    // A draft saved before tags could be edited has none: start from the proposal's.
    if (typeof draft.tags !== 'string') draft.tags = proposal.tags.join(', ');
    drafts[id] = draft;
    const key = id.slice(0, 8);
    const root = el('article', { className: 'proposal' });
    root.dataset.id = id;
    root.setAttribute('aria-labelledby', `heading-${key}`);

    const heading = el('h3', { id: `heading-${key}`, text: proposal.title });
    const when = new Date(proposal.createdAt);
    const meta = el('p', { className: 'meta', text: `Proposed by ${proposal.createdBy}${proposal.jobId ? ' in a review job' : ''} · ${when.toLocaleString()}` });
    const missing = el('p', { className: 'missing' });
    const frontMatterNote = el('p', { className: 'note', text: 'The body starts with its own front matter; approval replaces it with the real one (approver, dates).' });
    const preview = el('div', { className: 'rendered' });
    preview.setAttribute('role', 'region');
    preview.setAttribute('aria-label', `Preview of ${proposal.title}`);

    const fields = {
      title: input(`title-${key}`, draft.title),
      domain: input(`domain-${key}`, draft.domain),
      topic: input(`topic-${key}`, draft.topic),
      tags: input(`tags-${key}`, draft.tags),
      body: el('textarea', { id: `body-${key}`, className: 'body', rows: 14, spellcheck: false }),
      reason: el('textarea', { id: `reason-${key}`, className: 'reason', rows: 3 }),
    };
    fields.body.value = draft.body;
    fields.reason.value = draft.reason;
    const target = el('p', { className: 'meta target', id: `target-${key}` });
    const updateTarget = () => {
      target.textContent = `Will be written to .agent-os/standards/${fields.domain.value}/${fields.topic.value}.md`;
    };
    updateTarget();

    // Two places for a refusal, each next to what it is about: an approval's (a taken or refused
    // name, mostly) under the domain and topic; a rejection's by the reason.
    const approveError = el('div', { className: 'error', role: 'alert' });
    const rejectError = el('div', { className: 'error', role: 'alert' });
    approveError.hidden = rejectError.hidden = true;
    const showError = (slot, message, hint) => {
      slot.replaceChildren(el('strong', { text: message }), ' ', el('span', { text: hint }));
      slot.hidden = false;
    };
    let lastAction = 'approve';
    const edit = el('div', { className: 'edit' }, [
      field('Title', fields.title),
      el('div', { className: 'names' }, [field('Domain', fields.domain), field('Topic', fields.topic), field('Tags (comma-separated)', fields.tags)]),
      target,
      approveError,
      field('Body (markdown)', fields.body),
    ]);
    const approve = el('button', { type: 'button', className: 'approve', text: 'Approve' });
    approve.setAttribute('aria-describedby', target.id);
    const reject = el('button', { type: 'button', className: 'secondary reject', text: 'Reject…' });
    reject.setAttribute('aria-expanded', 'false');
    const actions = el('div', { className: 'actions' }, [approve, reject]);
    const confirmReject = el('button', { type: 'button', className: 'confirm-reject', text: 'Reject proposal' });
    const cancelReject = el('button', { type: 'button', className: 'secondary cancel-reject', text: 'Cancel' });
    const rejectArea = el('div', { className: 'reject-area' }, [field('Reason for rejecting (the proposer sees it)', fields.reason), rejectError, el('div', { className: 'actions' }, [confirmReject, cancelReject])]);
    rejectArea.hidden = !draft.rejecting;
    reject.setAttribute('aria-expanded', String(draft.rejecting));

    root.append(el('header', {}, [heading, meta]), missing, frontMatterNote, preview, edit, actions, rejectArea);

    // Busy buttons are aria-disabled, not disabled: a disabled button drops the keyboard focus.
    let busy = false;
    const setBusy = (value) => {
      busy = value;
      for (const b of [approve, reject, confirmReject, cancelReject]) b.setAttribute('aria-disabled', String(value));
      root.setAttribute('aria-busy', String(value));
    };
    const card = {
      root,
      fields,
      showPreview(p) {
        preview.innerHTML = p.html; // sanitised on the host (sanitize-html allow-list); the CSP is the second gate
        if (p.missing.length) {
          missing.textContent = `Missing template sections: ${p.missing.join(', ')}`;
          missing.className = 'missing warn';
        } else {
          missing.textContent = 'All template sections present: Context, Pattern, Examples, Anti-Patterns, When to Revisit.';
          missing.className = 'missing ok';
        }
        frontMatterNote.hidden = !p.hasFrontMatter;
      },
      showFailure(message) {
        setBusy(false);
        setStatus('');
        if (lastAction === 'reject') {
          showError(rejectError, message.message, message.hint);
          fields.reason.focus();
          return;
        }
        showError(approveError, message.message, message.hint);
        if (message.suggestedTopic) {
          fields.topic.value = message.suggestedTopic;
          draft.topic = message.suggestedTopic;
          updateTarget();
          saveDrafts();
          fields.topic.focus();
          fields.topic.select();
        } else if (message.code === 'PATH_REFUSED') {
          (/^The domain/.test(message.message) ? fields.domain : fields.topic).focus();
        } else if (/^The tag/.test(message.message)) {
          fields.tags.focus();
        }
      },
    };
    card.showPreview(proposal);
    if (draft.body !== proposal.body) requestPreview(id, draft.body);

    const onEdit = (name) => () => {
      draft[name] = fields[name].value;
      saveDrafts();
      if (name === 'domain' || name === 'topic') updateTarget();
      if (name === 'body') requestPreview(id, fields.body.value);
    };
    for (const name of ['title', 'domain', 'topic', 'tags', 'body', 'reason']) fields[name].addEventListener('input', onEdit(name));

    approve.addEventListener('click', () => {
      if (busy) return;
      lastAction = 'approve';
      approveError.hidden = true;
      setBusy(true);
      setStatus(`Approving “${fields.title.value}”…`);
      const tags = fields.tags.value.split(',').map((t) => t.trim()).filter((t) => t !== '');
      vscode.postMessage({ type: 'approve', id, title: fields.title.value, domain: fields.domain.value.trim(), topic: fields.topic.value.trim(), tags, body: fields.body.value });
    });
    const toggleReject = (open) => {
      draft.rejecting = open;
      saveDrafts();
      rejectArea.hidden = !open;
      reject.setAttribute('aria-expanded', String(open));
      if (open) fields.reason.focus();
      else reject.focus();
    };
    reject.addEventListener('click', () => busy || toggleReject(rejectArea.hidden));
    cancelReject.addEventListener('click', () => busy || toggleReject(false));
    confirmReject.addEventListener('click', () => {
      if (busy) return;
      lastAction = 'reject';
      if (!fields.reason.value.trim()) {
        showError(rejectError, 'Give a reason for rejecting.', 'The persona or agent that proposed it learns from it.');
        fields.reason.focus();
        return;
      }
      rejectError.hidden = true;
      setBusy(true);
      setStatus(`Rejecting “${fields.title.value}”…`);
      vscode.postMessage({ type: 'reject', id, reason: fields.reason.value });
    });
    return card;
  }

  function requestPreview(id, body) {
    clearTimeout(previewTimers.get(id));
    previewTimers.set(id, setTimeout(() => vscode.postMessage({ type: 'preview', id, body }), 250));
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function saveDrafts() {
    vscode.setState({ drafts });
  }

  function input(id, value) {
    const element = el('input', { id, type: 'text', spellcheck: false });
    element.value = value;
    return element;
  }

  function field(label, control) {
    const wrapper = el('div', { className: 'field' });
    const labelElement = el('label', { text: label });
    labelElement.htmlFor = control.id;
    wrapper.append(labelElement, control);
    return wrapper;
  }

  /** An element with properties (text → textContent) and children; never innerHTML. */
  function el(tag, props, children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === 'text') element.textContent = value;
      else if (name === 'role') element.setAttribute('role', value);
      else element[name] = value;
    }
    if (children) element.append(...children);
    return element;
  }

  vscode.postMessage({ type: 'ready' });
})();
