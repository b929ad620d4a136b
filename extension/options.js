/* spinscope extension, options: the server address and the API token, kept in chrome.storage.local. */
"use strict";

const DEFAULTS = { server: "http://127.0.0.1:8000", token: "" };
const form = document.getElementById("options");
const server = document.getElementById("server");
const token = document.getElementById("token");
const status = document.getElementById("status");

function say(text, error) {
  status.textContent = text;
  status.className = error ? "error" : "";
}

/* The address as the extension uses it: http(s), scheme and host (and port) only; null when it is not one. */
function address(value) {
  let url;
  try {
    url = new URL(value.trim());
  } catch (err) {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) {
    return null;
  }
  return url.origin;
}

async function load() {
  const stored = await chrome.storage.local.get(DEFAULTS);
  server.value = stored.server;
  token.value = stored.token;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const origin = address(server.value);
  if (!origin) {
    say("Give an http or https address, such as http://127.0.0.1:8000.", true);
    return;
  }
  server.value = origin;
  await chrome.storage.local.set({ server: origin, token: token.value.trim() });
  say("Saved.", false);
});

document.getElementById("check").addEventListener("click", async () => {
  const origin = address(server.value);
  if (!origin) {
    say("Give an http or https address, such as http://127.0.0.1:8000.", true);
    return;
  }
  say("Asking " + origin + "\u2026", false);
  try {
    const response = await fetch(origin + "/api/labels", {
      headers: { Authorization: "Bearer " + token.value.trim(), Accept: "application/json" },
      credentials: "omit",
      cache: "no-store",
    });
    const body = await response.json().catch(() => null);
    if (response.ok) {
      say("Connected: the server accepts this token.", false);
    } else {
      say((body && body.error && body.error.message) || "The server answered " + response.status + ".", true);
    }
  } catch (err) {
    say("Could not reach " + origin + ": is spinscope serve running there?", true);
  }
});

load();
