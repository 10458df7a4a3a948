// The review desk's behaviour: live verdicts, actions, conflicts, keyboard.
// Values from the server are written with textContent only, never as HTML.
"use strict";

(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const posts = Array.from(document.querySelectorAll("article.post"));
  const CHECK_DELAY_MS = 250;

  const dateSelect = document.getElementById("date-select");
  if (dateSelect) {
    dateSelect.addEventListener("change", function () {
      const network = document.getElementById("pick-day").dataset.network;
      window.location.href = "/day/" + encodeURIComponent(dateSelect.value) + "/" +
        encodeURIComponent(network);
    });
  }

  function part(post, role) { return post.querySelector('[data-role="' + role + '"]'); }

  function keyOf(post) {
    return { date: post.dataset.date, network: post.dataset.network,
             sheet_key: post.dataset.key };
  }

  async function call(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: "Respuesta no válida." }; }
    return { status: response.status, data: data };
  }

  function showVerdict(post, verdict) {
    part(post, "length").textContent = String(verdict.length);
    const limit = Number(post.dataset.limit);
    part(post, "length").parentElement.classList.toggle("over", verdict.length > limit);
    const list = part(post, "violations");
    list.replaceChildren();
    for (const v of verdict.violations) {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = v.rule;
      li.append(code, " " + v.message);
      list.append(li);
    }
    part(post, "ok").hidden = !verdict.valid;
    post.classList.toggle("has-violations", !verdict.valid);
    if (verdict.valid) { part(post, "override").hidden = true; }
  }

  function say(post, text, kind) {
    const message = part(post, "message");
    message.textContent = text || "";
    message.className = "message " + (kind || "");
  }

  function setState(post, result) {
    post.dataset.version = String(result.version);
    post.className = post.className.replace(/status-\S+/, "status-" + result.status);
    part(post, "status").textContent = result.status_label || result.status;
    const when = result.updated_at ? new Date(result.updated_at * 1000) : null;
    part(post, "reviewer").textContent = (result.reviewer || "") + (when ?
      " · " + when.toLocaleTimeString("es-ES", { hour: "2-digit", minute: "2-digit" }) : "");
    part(post, "conflict").hidden = true;
    document.getElementById("approved-count").textContent =
      String(document.querySelectorAll("article.post.status-approved").length);
  }

  const timers = new WeakMap();
  function scheduleCheck(post) {
    clearTimeout(timers.get(post));
    timers.set(post, setTimeout(async function () {
      const body = Object.assign(keyOf(post), { text: part(post, "text").value });
      const { status, data } = await call("/api/check", body);
      if (status === 200) { showVerdict(post, data); } else { say(post, data.error, "bad"); }
    }, CHECK_DELAY_MS));
  }

  async function act(post, action, extra) {
    const body = Object.assign(keyOf(post), {
      action: action, version: Number(post.dataset.version),
      text: part(post, "text").value,
    }, extra || {});
    if (action === "approve" && !part(post, "override").hidden) {
      body.override_reason = part(post, "reason").value;
    }
    const { status, data } = await call("/api/action", body);
    if (status === 200) {
      setState(post, data);
      if (action === "restore") { part(post, "text").value = data.text; }
      showVerdict(post, data);
      say(post, { approve: "Aprobado.", reject: "Rechazado.", save: "Guardado.",
                  restore: "Texto generado restaurado.", image: "Imagen elegida." }[action],
          "good");
      if (action === "approve" || action === "reject") { focusPost(next(post), true); }
    } else if (status === 409) {
      showConflict(post, data);
    } else if (status === 422 && data.override_required) {
      part(post, "override").hidden = false;
      showVerdict(post, { valid: false, violations: data.violations,
                          length: Number(part(post, "length").textContent) });
      say(post, data.error, "bad");
      part(post, "reason").focus();
    } else {
      say(post, data.error || ("Error " + status), "bad");
      if (status === 401) { window.location.href = "/login"; }
    }
  }

  function showConflict(post, data) {
    const box = part(post, "conflict");
    part(post, "conflict-message").textContent = data.error;
    part(post, "their-text").textContent = data.conflict.text;
    box.hidden = false;
    box.dataset.theirVersion = String(data.conflict.version);
    box.dataset.theirText = data.conflict.text;
    say(post, "Conflicto: tu texto sigue en el cuadro de edición.", "bad");
  }

  function next(post) { return posts[posts.indexOf(post) + 1] || null; }
  function previous(post) { return posts[posts.indexOf(post) - 1] || null; }

  function focusPost(post, editing) {
    if (!post) { return; }
    post.scrollIntoView({ block: "center" });
    if (editing) { part(post, "text").focus(); } else { post.focus(); }
  }

  function current() {
    const active = document.activeElement;
    return active ? active.closest("article.post") : null;
  }

  for (const post of posts) {
    const text = part(post, "text");
    text.addEventListener("input", function () { scheduleCheck(post); });
    post.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-action]");
      if (!button) { return; }
      const action = button.dataset.action;
      const box = part(post, "conflict");
      if (action === "take-theirs") {
        text.value = box.dataset.theirText;
        post.dataset.version = box.dataset.theirVersion;
        box.hidden = true;
        scheduleCheck(post);
      } else if (action === "keep-mine") {
        post.dataset.version = box.dataset.theirVersion;
        box.hidden = true;
        act(post, "save");
      } else {
        act(post, action);
      }
    });
    for (const radio of post.querySelectorAll('[data-role="image"]')) {
      radio.addEventListener("change", function () {
        for (const label of post.querySelectorAll(".thumb")) {
          label.classList.toggle("chosen", label.contains(radio));
        }
        act(post, "image", { image: radio.value });
      });
    }
    part(post, "reason").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); act(post, "approve"); }
    });
  }

  document.addEventListener("keydown", function (event) {
    const post = current();
    const typing = event.target instanceof HTMLTextAreaElement ||
                   event.target instanceof HTMLInputElement;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && post) {
      event.preventDefault(); act(post, "approve");
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s" && post) {
      event.preventDefault(); act(post, "save");
    } else if (event.altKey && event.key.toLowerCase() === "r" && post) {
      event.preventDefault(); act(post, "reject");
    } else if (event.altKey && event.key.toLowerCase() === "z" && post) {
      event.preventDefault(); act(post, "restore");
    } else if (event.key === "Escape" && typing && post) {
      post.focus();
    } else if (!typing && (event.key === "j" || event.key === "k")) {
      event.preventDefault();
      const target = post ? (event.key === "j" ? next(post) : previous(post)) : posts[0];
      focusPost(target, false);
    } else if (!typing && event.key === "Enter" && post && event.target === post) {
      event.preventDefault(); focusPost(post, true);
    }
  });
})();
