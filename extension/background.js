/* spinscope extension, background (a service worker in Chromium, an event page in Firefox).
 *
 * The toolbar button runs `analyseTab`: it injects content.js into the active tab (the activeTab permission
 * grants that tab for this click only). content.js collects the article's text and sends it here; this
 * script posts it to the user's own `spinscope serve` (address and token from the options, nothing else is
 * ever contacted) and hands the record back. Only this script holds the token; pages never see it. */
"use strict";

const DEFAULTS = { server: "http://127.0.0.1:8000", token: "" };
const MESSAGE = "spinscope-analyse";

async function settings() {
  const stored = await chrome.storage.local.get(DEFAULTS);
  return { server: String(stored.server || DEFAULTS.server).replace(/\/+$/, ""), token: String(stored.token || "") };
}

/* The server's answer as JSON; a coded refusal ({"error": {code, message}}) becomes an Error with that message. */
async function call(server, token, path, init) {
  const headers = Object.assign({ Accept: "application/json" }, (init && init.headers) || {});
  if (token) {
    headers.Authorization = "Bearer " + token;
  }
  let response;
  try {
    response = await fetch(server + path, Object.assign({}, init, { headers, credentials: "omit", cache: "no-store" }));
  } catch (err) {
    throw new Error("Could not reach spinscope at " + server + " (is `spinscope serve` running? Check the extension's options).");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error && body.error.message;
    throw new Error(message || "spinscope answered " + response.status + " for " + path + ".");
  }
  return body;
}

async function analyse(request) {
  const { server, token } = await settings();
  if (!/^https?:\/\/[^/]+$/.test(server)) {
    throw new Error("The server address in the extension's options is not an http(s) address: " + server);
  }
  const payload = { text: request.text, title: request.title, source: request.url };
  const [record, labels] = await Promise.all([
    call(server, token, "/api/analyze", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    }),
    call(server, token, "/api/labels", { method: "GET" }),
  ]);
  if (!record || typeof record.text !== "string" || !Array.isArray(record.techniques)) {
    throw new Error("spinscope did not answer with one analysed document.");
  }
  return { record, labels: labels.labels || {}, server };
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (!message || message.type !== MESSAGE || sender.id !== chrome.runtime.id || !sender.tab) {
    return false;
  }
  analyse(message).then(
    (result) => reply(Object.assign({ ok: true }, result)),
    (err) => reply({ ok: false, error: String((err && err.message) || err) }),
  );
  return true; // the reply comes later
});

/* What a click on the toolbar button does (tests call it with the page's tab). */
async function analyseTab(tab) {
  await chrome.scripting.executeScript({ target: { tabId: tab.id }, files: ["content.js"] });
}

chrome.action.onClicked.addListener((tab) => {
  analyseTab(tab).catch((err) => console.warn("spinscope: cannot analyse this tab:", err && err.message));
});

globalThis.analyseTab = analyseTab;
