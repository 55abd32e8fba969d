// The playground page: the server renders every pane; this script sends what the person does
// (POST /api/...) and fetches the panes again (after each action, and every second).
"use strict";

const body = document.body;
const state = {
  as: body.dataset.person,
  view: body.dataset.view,
  thread: body.dataset.thread || null,
};
const shown = {};
const PANES = ["sidebar", "conversation", "thread-messages", "modal"];
for (const id of PANES) shown[id] = document.getElementById(id).innerHTML;

function query() {
  const params = new URLSearchParams({ as: state.as, view: state.view });
  if (state.thread) params.set("thread", state.thread);
  return params.toString();
}

function remember() {
  history.replaceState(null, "", "/?" + query() + location.hash);
  document.getElementById("thread").classList.toggle("open", Boolean(state.thread));
}

// Inputs of a modal keep what the person typed when the modal is drawn again (e.g. errors).
function typedValues(root) {
  const values = {};
  for (const el of root.querySelectorAll("[data-input]")) {
    if (el.type === "file") continue;
    values[el.dataset.blockId] =
      el.multiple ? [...el.selectedOptions].map((o) => o.value) : el.value;
  }
  return values;
}

function restoreValues(root, values) {
  for (const el of root.querySelectorAll("[data-input]")) {
    const value = values[el.dataset.blockId];
    if (value === undefined || el.type === "file") continue;
    if (el.multiple) {
      for (const option of el.options) option.selected = value.includes(option.value);
    } else {
      el.value = value;
    }
  }
}

async function refresh() {
  const response = await fetch("/api/panes?" + query());
  if (!response.ok) return;
  const panes = await response.json();
  for (const id of PANES) {
    if (panes[id] === shown[id]) continue;
    const pane = document.getElementById(id);
    const before = pane.querySelector("form.modal");
    const after = new DOMParser().parseFromString(panes[id], "text/html").querySelector("form.modal");
    const sameView = before && after && before.dataset.viewId === after.dataset.viewId;
    const typed = sameView ? typedValues(pane) : null;
    const messages = pane.querySelector(".messages");
    const atBottom = !messages || messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
    pane.innerHTML = panes[id];
    shown[id] = panes[id];
    if (typed) restoreValues(pane, typed);
    const list = pane.querySelector(".messages");
    if (list && atBottom) list.scrollTop = list.scrollHeight;
  }
}

function note(text) {
  const box = document.getElementById("note");
  box.textContent = text || "";
  box.classList.toggle("visible", Boolean(text));
}

async function post(action, data) {
  note("");
  const response = await fetch("/api/" + action, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...data, as: state.as }),
  });
  const answer = response.ok ? await response.json() : { note: "The playground failed: " + response.status };
  if (answer.note) note(answer.note);
  await refresh();
}

function readFile(file) {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ name: file.name, content: String(reader.result) });
    reader.readAsText(file);
  });
}

async function modalInputs(form) {
  const inputs = [];
  for (const el of form.querySelectorAll("[data-input]")) {
    let value;
    if (el.type === "file") value = await Promise.all([...el.files].map(readFile));
    else if (el.multiple) value = [...el.selectedOptions].map((o) => o.value);
    else value = el.value;
    inputs.push({ type: el.dataset.input, block_id: el.dataset.blockId, action_id: el.dataset.actionId, value });
  }
  return inputs;
}

document.addEventListener("click", (event) => {
  const el = event.target.closest("button, [data-suggest]");
  if (!el) return;
  const message = el.closest("[data-ts]");
  if (el.dataset.click) {
    post("click", {
      ts: message ? message.dataset.ts : "",
      action_id: el.dataset.actionId,
      block_id: el.dataset.blockId,
      value: el.dataset.value,
    });
  } else if (el.dataset.thread) {
    state.thread = el.dataset.thread;
    remember();
    refresh();
  } else if (el.dataset.closeThread) {
    state.thread = null;
    remember();
    refresh();
  } else if (el.dataset.view) {
    state.view = el.dataset.view;
    state.thread = null;
    remember();
    if (state.view === "home") post("home", {});
    else refresh();
  } else if (el.dataset.shortcut) {
    post("shortcut", {});
  } else if (el.dataset.messageShortcut) {
    post("shortcut", { ts: el.dataset.messageShortcut });
  } else if (el.dataset.close) {
    post("close", {});
  } else if (el.dataset.suggest) {
    const box = document.getElementById("message");
    box.value = el.dataset.suggest;
    box.focus();
  }
});

function sendFrom(form, input, thread) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    post("say", { view: state.view, thread: thread(), text });
  });
}

sendFrom(document.getElementById("composer"), document.getElementById("message"), () => null);
sendFrom(document.getElementById("thread-composer"), document.getElementById("reply"), () => state.thread);

document.getElementById("modal").addEventListener("submit", async (event) => {
  event.preventDefault();
  post("submit", { inputs: await modalInputs(event.target) });
});

document.getElementById("person").addEventListener("change", (event) => {
  state.as = event.target.value;
  if (state.view.startsWith("D")) state.view = "D" + state.as;
  state.thread = null;
  remember();
  if (state.view === "home") post("home", {});
  else refresh();
});

remember();
setInterval(refresh, 1000);
