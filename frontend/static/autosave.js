/* The matrix editor saves each changed cell as it is made (progressive enhancement: without
   scripting the form's own save button works as before). Shows per cell and for the page
   whether the work is saved; on a version conflict offers keep mine / take theirs; warns
   before leaving the page with unsaved edits. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("autosave-status");
  if (!form || !status || !window.fetch) { return; }
  var say = status.dataset;
  var version = form.querySelector("input[name=version]");
  // every form of the page that writes the assessment (the bulk forms too) sends its version
  function setVersion(value) {
    document.querySelectorAll("input[data-assessment-version]").forEach(function (input) {
      input.value = value;
    });
  }
  var csrf = form.querySelector("input[name=csrf_token]");
  var unsaved = new Set();
  var saving = 0;

  function cells() { return form.querySelectorAll("td.cell select"); }

  function parts(td) {
    return { select: td.querySelector("select"), text: td.querySelector("textarea") };
  }

  function mark(td, state, label) {
    var flag = td.querySelector(".cell-state");
    if (!flag) {
      flag = document.createElement("span");
      flag.className = "cell-state";
      td.appendChild(flag);
    }
    td.dataset.state = state;
    flag.textContent = label;
  }

  // what is still to assess, in words, from the last save's answer (read out with "saved")
  var remaining = "";

  function page() {
    var text = saving ? say.saving : (unsaved.size ? say.unsaved : say.saved + (remaining ? " " + remaining : ""));
    if (status.textContent !== text) { status.textContent = text; }
    status.dataset.state = saving ? "saving" : (unsaved.size ? "unsaved" : "saved");
  }

  function remember(td) {
    var p = parts(td);
    td.dataset.baseValue = p.select.value;
    td.dataset.baseText = p.text.value;
  }

  // what a request carries: the cell as it is now, and the base it was read as
  function body(td, sent) {
    var p = parts(td);
    var data = new URLSearchParams();
    data.append("csrf_token", csrf.value);
    data.append("version", version.value);
    data.append("base_value", td.dataset.baseValue || "");
    data.append("base_justification", td.dataset.baseText || "");
    // the page it is on, so the answer can bring that page's fresh counts
    ["alternative", "area", "show"].forEach(function (name) {
      var field = form.querySelector("input[name=" + name + "]");
      if (field) { data.append(name, field.value); }
    });
    data.append(p.select.name, sent.value);
    data.append(p.text.name, sent.text);
    return data;
  }

  function conflict(td, theirs) {
    var p = parts(td);
    var old = td.querySelector(".merge-prompt");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.className = "merge-prompt";
    box.setAttribute("role", "group");
    var title = document.createElement("p");
    title.textContent = say.conflict;
    var option = p.select.querySelector('option[value="' + CSS.escape(theirs.value) + '"]');
    var list = document.createElement("dl");
    [[say.theirs, (option ? option.textContent : theirs.value) + " — " + theirs.justification],
     [say.mine, p.select.options[p.select.selectedIndex].textContent + " — " + p.text.value]]
      .forEach(function (row) {
        var dt = document.createElement("dt");
        var dd = document.createElement("dd");
        dt.textContent = row[0];
        dd.textContent = row[1];
        list.appendChild(dt);
        list.appendChild(dd);
      });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button";
    keep.textContent = say.keepMine;
    var take = document.createElement("button");
    take.type = "button";
    take.className = "button button-secondary";
    take.textContent = say.takeTheirs;
    keep.addEventListener("click", function () {
      td.dataset.baseValue = theirs.value;
      td.dataset.baseText = theirs.justification;
      box.remove();
      save(td);
    });
    take.addEventListener("click", function () {
      p.select.value = theirs.value;
      p.text.value = theirs.justification;
      remember(td);
      unsaved.delete(td);
      box.remove();
      mark(td, "saved", say.cellSaved);
      page();
    });
    box.appendChild(title);
    box.appendChild(list);
    box.appendChild(keep);
    box.appendChild(take);
    td.appendChild(box);
    keep.focus();
  }

  // the counts of what is missing and the summary, as the server rendered them after the save
  function refresh(live) {
    Object.keys(live || {}).forEach(function (id) {
      var old = document.getElementById(id);
      if (!old) { return; }
      var holder = document.createElement("div");
      holder.innerHTML = live[id];
      var fresh = holder.querySelector("#" + CSS.escape(id));
      if (fresh) { old.replaceWith(fresh); }
    });
  }

  function failed(td, label) {
    mark(td, "unsaved", label);
    page();
  }

  // the cell's request has answered: send the change made meanwhile, if any
  function settle(td) {
    td.inFlight = false;
    saving = Math.max(0, saving - 1);
    if (td.again) {
      td.again = false;
      save(td);
    }
  }

  // One request per cell at a time: a change made while the cell's save is in flight is sent
  // when that save has answered, on the version and base it leaves (two requests read from
  // the same base would meet each other as a conflict).
  function save(td) {
    clearTimeout(td.saveTimer);
    td.saveTimer = null;
    unsaved.add(td);
    mark(td, "saving", say.cellSaving);
    if (td.inFlight) {
      td.again = true;
      page();
      return;
    }
    var p = parts(td);
    var sent = { value: p.select.value, text: p.text.value };
    if (sent.value === (td.dataset.baseValue || "") && sent.text === (td.dataset.baseText || "")) {
      unsaved.delete(td);  // as stored already (say, the box lost focus after its own save)
      mark(td, "saved", say.cellSaved);
      page();
      return;
    }
    td.inFlight = true;
    saving += 1;
    page();
    fetch(form.dataset.autosave, {
      method: "POST",
      credentials: "same-origin",
      headers: { "If-Match": '"' + version.value + '"', "Accept": "application/json" },
      body: body(td, sent)
    }).then(function (response) {
      if (response.status === 401 || response.redirected) {
        td.again = false;
        settle(td);
        failed(td, say.cellExpired);
        status.textContent = say.expired;
        document.dispatchEvent(new CustomEvent("ennakko:activity", { detail: { expiresIn: 0 } }));
        return null;
      }
      return response.json().then(function (data) {
        if (response.ok) {
          answered(td, sent, data);
        } else if (response.status === 412 && data.conflict) {
          td.again = false;  // the merge prompt decides what is sent next
          setVersion(String(data.version));
          settle(td);
          failed(td, say.cellConflict);
          conflict(td, data.theirs);
        } else {
          td.again = false;
          settle(td);
          failed(td, (data.errors || []).join(" ") || say.cellUnsaved);
        }
      });
    }).catch(function () {
      if (td.inFlight) {
        td.again = false;
        settle(td);
      }
      failed(td, say.cellUnsaved);
    });
  }

  // a save went through: what it sent is now the stored base of the cell
  function answered(td, sent, data) {
    setVersion(String(data.version));
    td.dataset.baseValue = sent.value;
    td.dataset.baseText = sent.text;
    refresh(data.live);
    if (typeof data.remaining === "string") { remaining = data.remaining; }
    // a change made meanwhile is still waiting for its own save (typing, or sent next)
    var waiting = td.saveTimer || td.again;
    if (!waiting) {
      unsaved.delete(td);
      mark(td, "saved", say.cellSaved);
    }
    settle(td);
    page();
    document.dispatchEvent(new CustomEvent("ennakko:activity", { detail: { expiresIn: data.expires_in } }));
  }

  Array.prototype.forEach.call(cells(), function (select) {
    var td = select.closest("td.cell");
    if (select.disabled) { return; }
    remember(td);
    var p = parts(td);
    p.select.addEventListener("change", function () { save(td); });
    p.text.addEventListener("input", function () {
      unsaved.add(td);
      mark(td, "unsaved", say.cellUnsaved);
      page();
      clearTimeout(td.saveTimer);
      td.saveTimer = setTimeout(function () { save(td); }, 1500);
    });
    p.text.addEventListener("change", function () { save(td); });
  });

  form.addEventListener("submit", function () { unsaved.clear(); });
  // A form that writes the assessment (the save button, the bulk forms) waits for the saves
  // in flight, so it is sent with the version they leave (else it would meet a conflict).
  document.querySelectorAll("form").forEach(function (other) {
    if (!other.querySelector("input[data-assessment-version]")) { return; }
    other.addEventListener("submit", function (event) {
      if (saving === 0) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      var wait = setInterval(function () {
        if (saving !== 0) { return; }
        clearInterval(wait);
        if (other.requestSubmit) { other.requestSubmit(submitter || undefined); } else { other.submit(); }
      }, 50);
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size || saving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  status.hidden = false;
  page();
}());
