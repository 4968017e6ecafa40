// Live board (supervisors) and assist page (agents): one WebSocket each, pushed updates, no polling.
"use strict";
const callqaLive = (() => {
  const $ = (id) => document.getElementById(id);
  const text = (id) => ($(id) ? $(id).textContent.trim() : id);
  // the shipped live rules' titles and prompts in the page's language (<script id="t-content"> in the page)
  let words = null;
  const tr = (s) => { words ??= JSON.parse($("t-content")?.textContent || "{}"); return words[s] || s; };
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "dataset") Object.assign(node.dataset, v); else if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
    return node;
  };
  const clock = (ms) => { const s = Math.floor((ms || 0) / 1000); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`; };

  function connect(path, onMessage) {
    const status = $("live-status");
    let socket, delay = 500;
    const open = () => {
      socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`);
      socket.onopen = () => { status.textContent = "● live"; status.dataset.state = "live"; delay = 500; };
      socket.onmessage = (event) => onMessage(JSON.parse(event.data));
      socket.onclose = () => { status.textContent = "reconnecting…"; status.dataset.state = "down"; setTimeout(open, delay); delay = Math.min(delay * 2, 10000); };
    };
    open();
    return { send: (message) => socket.readyState === 1 && socket.send(JSON.stringify(message)) };
  }

  const markAcked = (item, by) => {
    item.classList.add("acked"); item.querySelector("button")?.remove();
    item.append(el("span", { class: "muted", "data-test": "acked" }, ` ${text("t-acked")} ${by}`));
  };
  // an ended call's alerts move to their own dimmed list, linked to the stored interaction once it is stored
  const markEnded = (item, interactionId) => {
    item.classList.add("ended");
    if (interactionId && !item.querySelector("[data-test=stored]")) {
      item.append(" ", el("a", { href: `/interactions/${interactionId}`, "data-test": "stored" }, text("t-stored")));
    }
    $("alerts-ended").prepend(item); $("ended-alerts").hidden = false;
  };

  function alertItem(a, socket) {
    const item = el("li", { class: `alert sev-${a.severity}`, dataset: { alert: a.id, rule: a.rule, call: a.call_id } },
      el("strong", {}, tr(a.title)), " ", el("span", { class: "muted" }, `${a.agent || ""} · ${clock(a.at_ms)}`),
      el("blockquote", { dir: "auto" }, a.text));
    if (socket) {
      const button = el("button", { type: "button", class: "small", "data-test": "ack" }, text("t-ack"));
      button.onclick = () => socket.send({ type: "ack", alert_id: a.id });
      item.append(button);
    }
    if (a.acknowledged_by) markAcked(item, a.acknowledged_by);
    return item;
  }

  function board() {
    const calls = new Map();
    let watching = null;
    const rows = $("calls").querySelector("tbody");
    const render = () => {
      rows.replaceChildren(...[...calls.values()].sort((a, b) => b.worst - a.worst || b.duration_ms - a.duration_ms).map((c) =>
        el("tr", { dataset: { call: c.call_id }, class: c.worst >= 3 ? "hot" : "" },
          el("td", {}, el("a", { href: "#", dataset: { watch: c.call_id } }, c.agent || "—")), el("td", {}, c.team || ""), el("td", {}, c.queue || ""),
          el("td", {}, text(c.state === "hold" ? "t-hold" : "t-talking")), el("td", { class: "num" }, clock(c.duration_ms)),
          el("td", { class: "num" }, c.sentiment == null ? "" : c.sentiment.toFixed(2)), el("td", { class: "num" }, String(c.alerts)))));
      $("call-count").textContent = String(calls.size); $("call-count").hidden = calls.size === 0;
    };
    const line = (s) => el("li", { class: `turn ${s.role}`, dataset: { segment: s.segment_id } }, el("span", { class: "muted" }, `${clock(s.start_ms)} ${s.role} `), s.text);
    const helpItem = (h) => {
      const item = el("li", { dataset: { help: h.id } }, el("strong", {}, h.agent || ""), " ", el("span", { dir: "auto" }, h.question));
      const form = el("form", { class: "row" }, el("input", { name: "text", required: "", "data-test": "answer-text" }), el("button", { type: "submit", "data-test": "answer-send" }, text("t-answer")));
      form.onsubmit = (e) => { e.preventDefault(); socket.send({ type: "answer", help_id: h.id, text: form.text.value }); };
      item.append(form);
      return item;
    };
    const socket = connect("/api/live/board", (m) => {
      if (m.type === "snapshot") {
        calls.clear(); m.calls.forEach((c) => calls.set(c.call_id, c)); render();
        $("alerts").replaceChildren(); $("alerts-ended").replaceChildren(); $("ended-alerts").hidden = true;
        for (const a of m.alerts) {
          const item = alertItem(a, socket);
          if (a.ended) markEnded(item, a.interaction_id); else $("alerts").prepend(item);
        }
        $("help").replaceChildren(...m.help.map(helpItem));
      } else if (m.type === "calls") { m.calls.forEach((c) => calls.set(c.call_id, c)); render(); }
      else if (m.type === "call_end") {
        calls.delete(m.call_id); render();
        document.querySelectorAll(`#alerts [data-call="${CSS.escape(m.call_id)}"], #alerts-ended [data-call="${CSS.escape(m.call_id)}"]`)
          .forEach((item) => markEnded(item, m.interaction_id));
      }
      else if (m.type === "alert") { $("alerts").prepend(alertItem(m.alert, socket)); }
      else if (m.type === "alert_ack") {
        const item = document.querySelector(`#alerts [data-alert="${CSS.escape(m.alert_id)}"], #alerts-ended [data-alert="${CSS.escape(m.alert_id)}"]`);
        if (item && !item.classList.contains("acked")) markAcked(item, m.by);
      } else if (m.type === "help") { $("help").append(helpItem(m.help)); }
      else if (m.type === "help_answer") { $("help").querySelector(`[data-help="${m.help.id}"]`)?.remove(); }
      else if (m.type === "transcript") { $("watch").hidden = false; $("watch-call").textContent = m.call_id; $("watch-lines").replaceChildren(...m.segments.map(line)); }
      else if (m.type === "segment" && m.call_id === watching && m.segment.final) { $("watch-lines").append(line(m.segment)); }
    });
    rows.addEventListener("click", (e) => {
      const link = e.target.closest("[data-watch]");
      if (!link) return;
      e.preventDefault(); watching = link.dataset.watch; socket.send({ type: "watch", call_id: watching });
    });
    $("unwatch").onclick = () => { watching = null; $("watch").hidden = true; socket.send({ type: "unwatch" }); };
  }

  function assist() {
    const card = (c) => el("article", { class: `card assist ${c.kind}`, dataset: { source: c.source, kind: c.kind } }, el("h3", {}, tr(c.title)), el("p", { dir: "auto" }, tr(c.body)));
    const helpItem = (h) => el("li", { dataset: { help: h.id } }, el("span", { dir: "auto" }, h.question), h.answer ? el("blockquote", { dir: "auto", "data-test": "help-answer" }, h.answer) : "");
    const socket = connect("/api/live/agent", (m) => {
      if (m.type === "snapshot") { $("help").replaceChildren(...m.help.map(helpItem)); }
      else if (m.type === "segment" && m.segment.final) {
        $("call-id").textContent = m.call_id;
        $("lines").append(el("li", { class: `turn ${m.segment.role}` }, el("span", { class: "muted" }, `${clock(m.segment.start_ms)} `), m.segment.text));
      } else if (m.type === "checklist") {
        const item = $("checklist").querySelector(`[data-item="${m.item}"]`);
        if (item) { item.classList.add("done"); item.querySelector(".tick").textContent = "✓"; item.querySelector(".when").textContent = clock(m.at_ms); }
      } else if (m.type === "card") {
        // a rule's alert and its prompt arrive together: one card, the prompt with the words that caused it
        const alerted = $("cards").querySelector(`[data-source="${CSS.escape(m.card.source)}"][data-kind^="alert"]:not([data-merged])`);
        const shown = card(m.card);
        if (alerted) { shown.dataset.merged = "1"; shown.append(alerted.querySelector("p")); shown.querySelector("p:last-child").className = "quote"; alerted.replaceWith(shown); }
        else $("cards").prepend(shown);
      } else if (m.type === "alert") { $("cards").prepend(card({ kind: `alert sev-${m.alert.severity}`, title: m.alert.title, body: m.alert.text, source: m.alert.rule })); }
      else if (m.type === "help") { $("help").append(helpItem(m.help)); }
      else if (m.type === "help_answer") { $("help").querySelector(`[data-help="${m.help.id}"]`)?.replaceWith(helpItem(m.help)); }
      else if (m.type === "call_end") {
        $("lines").replaceChildren(); $("call-id").textContent = "";
        document.querySelectorAll("#checklist li").forEach((li) => { li.classList.remove("done"); li.querySelector(".tick").textContent = "○"; li.querySelector(".when").textContent = ""; });
      }
    });
    $("help-form").onsubmit = (e) => { e.preventDefault(); socket.send({ type: "help", question: e.target.question.value }); e.target.reset(); };
  }
  return { board, assist };
})();
// The page names what to start on the script tag (data-start="board" | "assist"): no inline script, so the
// Content-Security-Policy can forbid it.
(() => { const start = document.currentScript && document.currentScript.dataset.start; if (start) callqaLive[start](); })();
