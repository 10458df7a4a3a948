// The review desk's behaviour: live verdicts, actions, conflicts, keyboard, unsaved text.
// Values from the server are written with textContent only, never as HTML.
// The page always shows what SQL holds: after every answer (success or conflict) the
// post's chip, reviewer, image and version are set from the server's state. Text the
// editor typed and has not saved lives in localStorage until a save stores it.
"use strict";

(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const posts = Array.from(document.querySelectorAll("article.post"));
  const CHECK_DELAY_MS = 250;
  const LABELS = { pending: "pendiente", edited: "editado", approved: "aprobado",
                   rejected: "rechazado" };
  const DONE = { approve: "Aprobado.", reject: "Rechazado.", save: "Guardado.",
                 restore: "Texto generado restaurado.", image: "Imagen elegida.",
                 unapprove: "Aprobación retirada." };

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

  // ---- unsaved text, kept in the browser --------------------------------------------
  function storeKey(post) {
    return "desk:unsaved:" + post.dataset.date + "|" + post.dataset.network + "|" +
      post.dataset.key;
  }
  function saved(post) { return post.dataset.savedText; }
  function dirty(post) { return part(post, "text").value !== saved(post); }
  function remember(post) {
    try {
      if (dirty(post)) {
        localStorage.setItem(storeKey(post), JSON.stringify({
          text: part(post, "text").value, version: Number(post.dataset.version),
          at: Date.now() }));
      } else {
        localStorage.removeItem(storeKey(post));
      }
    } catch (e) { /* storage full or disabled: the warning before leaving still works */ }
    post.classList.toggle("unsaved", dirty(post));
    updateBanner();
  }
  function updateBanner() {
    const banner = document.getElementById("unsaved-banner");
    if (!banner) { return; }
    const count = posts.filter(dirty).length;
    banner.hidden = count === 0;
    banner.textContent = count === 1 ? "1 post con texto sin guardar (se conserva en este navegador)." :
      count + " posts con texto sin guardar (se conservan en este navegador).";
  }
  window.addEventListener("beforeunload", function (event) {
    if (posts.some(dirty)) { event.preventDefault(); event.returnValue = ""; }
  });

  async function call(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      });
    } catch (e) {
      return { status: 0, data: { error: "Sin conexión con la mesa: tu texto sigue aquí." } };
    }
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

  function clockOf(ts) {
    return ts ? new Date(ts * 1000).toLocaleTimeString("es-ES", {
      hour: "2-digit", minute: "2-digit", timeZone: "Europe/Madrid" }) : "";
  }

  // What SQL holds for this post: chip, reviewer, image, reason, version.
  function setState(post, result) {
    post.dataset.version = String(result.version);
    post.dataset.status = result.status;
    post.className = post.className.replace(/status-\S+/, "status-" + result.status);
    const chip = part(post, "status");
    chip.textContent = LABELS[result.decision] || result.status_label || result.status;
    chip.dataset.decision = result.decision || "";
    part(post, "reviewer").textContent = (result.reviewer || "") +
      (result.updated_at ? " · " + clockOf(result.updated_at) : "");
    const unapprove = post.querySelector('button[data-action="unapprove"]');
    if (unapprove) { unapprove.hidden = result.status !== "approved"; }
    for (const radio of post.querySelectorAll('[data-role="image"]')) {
      radio.checked = radio.value === result.chosen_image;
      radio.closest(".thumb").classList.toggle("chosen", radio.checked);
    }
    const reason = part(post, "reason-shown");
    if (reason) {
      reason.hidden = !result.override_reason;
      reason.textContent = (result.status === "rejected" ? "Motivo del rechazo: " :
                            "Excepción: ") + (result.override_reason || "");
    }
    document.getElementById("approved-count").textContent =
      String(document.querySelectorAll("article.post.status-approved").length);
  }

  function showNotices(notices) {
    if (!notices || !notices.length) { return; }
    let box = document.querySelector('[data-role="notices"]');
    if (!box) {
      box = document.createElement("section");
      box.className = "notices"; box.setAttribute("role", "alert");
      box.dataset.role = "notices";
      document.querySelector("main").prepend(box);
    }
    for (const n of notices) {
      const p = document.createElement("p");
      p.textContent = n.message;
      box.append(p);
    }
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
    if (action === "reject") { body.reason = part(post, "reject-reason").value; }
    const { status, data } = await call("/api/action", body);
    try {
      handle(post, action, status, data, extra);
    } finally {
      // how many answers this post has handled: lets tests wait for the page to settle
      post.dataset.acted = String(Number(post.dataset.acted || 0) + 1);
    }
  }

  function handle(post, action, status, data, extra) {
    if (status === 200) {
      setState(post, data);
      part(post, "conflict").hidden = true;
      if (action !== "image") {
        part(post, "text").value = data.text;
      }
      post.dataset.savedText = data.text;
      remember(post);
      showVerdict(post, data);
      say(post, data.unchanged ? "Sin cambios: se mantiene " +
          (LABELS[data.decision] || data.status) + "." : DONE[action], "good");
      showNotices(data.notices);
      if (action === "approve" || action === "reject") { focusPost(next(post), true); }
    } else if (status === 409) {
      showConflict(post, data, action, extra);
    } else if (status === 422 && data.override_required) {
      part(post, "override").hidden = false;
      showVerdict(post, { valid: false, violations: data.violations,
                          length: Number(part(post, "length").textContent) });
      say(post, data.error, "bad");
      part(post, "reason").focus();
    } else {
      say(post, data.error || ("Error " + status), "bad");
      if (status === 401) {
        remember(post);
        const back = encodeURIComponent(window.location.pathname);
        say(post, data.error + " ", "bad");
        const link = document.createElement("a");
        link.href = "/login?next=" + back; link.textContent = "Entrar de nuevo";
        part(post, "message").append(link);
      }
    }
  }

  function showConflict(post, data, action, extra) {
    const box = part(post, "conflict");
    part(post, "conflict-message").textContent = data.error;
    const diff = part(post, "diff");
    diff.replaceChildren();
    for (const [op, text] of data.diff || []) {
      const node = document.createElement(op === "+" ? "ins" : op === "-" ? "del" : "span");
      node.textContent = text;
      diff.append(node);
    }
    // the page shows what SQL holds now; the editor's own text stays in the box
    setState(post, Object.assign({}, data.conflict, {
      status_label: LABELS[data.conflict.decision] }));
    box.hidden = false;
    box.dataset.theirText = data.conflict.text;
    box.dataset.action = action;
    box.dataset.extra = JSON.stringify(extra || {});
    box.dataset.approval = data.approval ? String(data.approval.version) : "";
    const keep = box.querySelector('button[data-action="keep-mine"]');
    keep.textContent = data.approval ?
      "Sustituir la aprobación de " + data.approval.reviewer + " (" +
        clockOf(data.approval.at) + ")" : "Mantener el mío";
    remember(post);
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
    post.dataset.savedText = text.value;
    // text typed before a session expiry, a date change or a reload comes back
    try {
      const kept = JSON.parse(localStorage.getItem(storeKey(post)) || "null");
      if (kept && typeof kept.text === "string" && kept.text !== text.value) {
        text.value = kept.text;
        say(post, "Texto sin guardar recuperado de este navegador: guárdalo o restaura.",
            "bad");
        scheduleCheck(post);
      } else if (kept) {
        localStorage.removeItem(storeKey(post));
      }
    } catch (e) { /* unreadable entry: ignore */ }
    post.classList.toggle("unsaved", dirty(post));
    text.addEventListener("input", function () { remember(post); scheduleCheck(post); });
    post.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-action]");
      if (!button) { return; }
      const action = button.dataset.action;
      const box = part(post, "conflict");
      if (action === "take-theirs") {
        text.value = box.dataset.theirText;
        box.hidden = true;
        remember(post);
        scheduleCheck(post);
      } else if (action === "keep-mine") {
        box.hidden = true;
        const extra = JSON.parse(box.dataset.extra || "{}");
        if (box.dataset.approval) { extra.overwrite_approval = Number(box.dataset.approval); }
        act(post, box.dataset.action || "save", extra);
      } else {
        act(post, action);
      }
    });
    for (const radio of post.querySelectorAll('[data-role="image"]')) {
      radio.addEventListener("change", function () {
        act(post, "image", { image: radio.value });
      });
    }
    part(post, "reason").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); act(post, "approve"); }
    });
  }
  updateBanner();

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
