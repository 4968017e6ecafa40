// Practice page (training): answers go to the API without a reload (the plain form works without this
// script); the customer's lines can be heard with the browser's speech synthesis; answers can be recorded.
(function () {
  "use strict";
  const box = document.getElementById("practice");
  if (!box) return;
  const id = box.dataset.practice;
  const lang = box.dataset.speechLang;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const list = box.querySelector(".practice-lines");
  const form = box.querySelector("form.practice-answer");
  const status = box.querySelector(".practice-status");
  const titles = JSON.parse(box.dataset.titles || "{}"); // criterion titles in the viewer's language
  const speaks = "speechSynthesis" in window && typeof SpeechSynthesisUtterance !== "undefined";

  function voiceFor(tag) {
    const voices = speaks ? window.speechSynthesis.getVoices() : [];
    const base = tag.split("-")[0];
    return voices.find((v) => v.lang === tag) || voices.find((v) => v.lang.split(/[-_]/)[0] === base) || null;
  }

  function speak(text) {
    if (!speaks) return;
    const said = new SpeechSynthesisUtterance(text);
    said.lang = lang;
    const voice = voiceFor(lang);
    if (voice) said.voice = voice;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(said);
  }

  function listenButtons() {
    if (!speaks) return;
    list.querySelectorAll("li.customer").forEach((li) => {
      const button = li.querySelector("button.listen");
      if (!button) return;
      button.hidden = false;
      button.onclick = () => speak(li.querySelector(".text").textContent);
    });
  }

  function line(turn) {
    const li = document.createElement("li");
    li.className = "line " + turn.role + (turn.mood ? " mood-" + turn.mood : "");
    li.dataset.role = turn.role;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = turn.role === "customer" ? box.dataset.customer : box.dataset.you;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = turn.text;
    li.append(who, text);
    if (turn.role === "customer") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link listen";
      button.textContent = box.dataset.listen;
      button.hidden = true;
      li.append(button);
    }
    if (turn.role === "agent" && turn.checks && turn.checks.length) {
      const checks = document.createElement("span");
      checks.className = "checks";
      turn.checks.forEach((c) => {
        const mark = document.createElement("span");
        const met = c.outcome !== "fail";
        mark.className = "outcome " + (met ? "pass" : "fail");
        mark.title = c.criterion;
        mark.textContent = (titles[c.criterion] || c.title || c.criterion) + ": " + (met ? box.dataset.met : box.dataset.missed) + " ";
        checks.append(mark);
      });
      li.append(checks);
    }
    return li;
  }

  function show(practice) {
    if (practice.state !== "running") {
      window.location.reload(); // the result (or the abandoned notice) is drawn by the server
      return;
    }
    if (form) form.elements.step.value = practice.current_step;
    list.replaceChildren(...practice.turns.map(line));
    listenButtons();
    const last = practice.turns[practice.turns.length - 1];
    if (last && last.role === "customer") speak(last.text);
  }

  let busy = false; // one answer at a time: a second click while one is sent is ignored (T130 otherwise)

  function waiting(on) {
    busy = on;
    if (form) form.querySelectorAll("button").forEach((b) => (b.disabled = on));
  }

  async function send(url, body, headers) {
    if (busy) return;
    waiting(true);
    status.textContent = box.dataset.sending;
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: Object.assign({ "x-csrf-token": csrf }, headers || {}),
        body: body,
      });
    } catch (err) {
      status.textContent = String(err);
      return;
    } finally {
      waiting(false);
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      status.textContent = typeof data.detail === "string" ? data.detail : response.status + "";
      return;
    }
    status.textContent = "";
    show(data);
  }

  listenButtons();
  if (speaks) window.speechSynthesis.onvoiceschanged = listenButtons;
  if (!form) return;
  const text = form.querySelector("textarea");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const said = text.value.trim();
    if (!said || busy) return;
    text.value = "";
    send("/api/practices/" + id + "/answer", JSON.stringify({ text: said, step: form.elements.step.value }), {
      "content-type": "application/json",
    });
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const record = form.querySelector("button.record");
  const canRecord = navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder;
  if (!record || !canRecord) return;
  record.hidden = false;
  let recorder = null;
  let parts = [];
  record.addEventListener("click", async () => {
    if (busy) return;
    if (recorder && recorder.state === "recording") {
      recorder.stop();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      status.textContent = box.dataset.noMic;
      return;
    }
    parts = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => parts.push(event.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      record.classList.remove("on");
      const type = recorder.mimeType || "audio/webm";
      const name = type.includes("ogg") ? "answer.ogg" : "answer.webm";
      const body = new FormData();
      body.append("audio", new Blob(parts, { type: type }), name);
      body.append("step", form.elements.step.value);
      send("/api/practices/" + id + "/answer-audio", body);
    };
    recorder.start();
    record.classList.add("on");
    status.textContent = box.dataset.recording;
  });
})();
