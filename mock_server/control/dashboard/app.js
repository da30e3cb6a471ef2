// nmbrs-mock dashboard: plain JS over the admin API (/__admin/...), no build step.
// Everything shown is set with textContent (journal bodies hold user data). One poll at a time,
// every POLL_MS, paused while the tab is hidden; every list it asks for is bounded.
"use strict";

(() => {
  const API = "/__admin";
  const POLL_MS = 2000;
  const ENV_PAGE = 50;
  const MAX_EMPLOYEES = 200;
  const MAX_FAULTS = 200;
  const TOKEN_KEY = "nmbrs-mock-admin-token";

  const state = {
    token: null,
    paused: false,
    polling: false,
    again: false,
    timer: null,
    needsToken: false,
    envOffset: 0,
    envMatch: "",
    selected: null, // environment name
    company: null, // company id whose employees are shown
    entry: null, // journal entry id shown
    armed: null, // {button, until}: a destructive button waiting for its second click
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replaceRows(tbody, rows, emptyText, columns) {
    if (!rows.length) {
      rows = [el("tr", { className: "empty" }, el("td", { colspan: columns }, emptyText))];
    }
    tbody.replaceChildren(...rows);
  }

  // -- the admin API ------------------------------------------------------------------------------
  class TokenNeeded extends Error {}

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    const init = { method, headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, init);
    if (response.status === 401) {
      askForToken(state.token ? "That token was refused." : "");
      throw new TokenNeeded("the admin API needs its token");
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `${method} ${path}: HTTP ${response.status}`);
    return data;
  }

  function query(params) {
    const parts = Object.entries(params)
      .filter(([, value]) => value !== "" && value !== null && value !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    return parts.length ? `?${parts.join("&")}` : "";
  }

  const envPath = (name) => `/environments/${encodeURIComponent(name)}`;

  // -- token --------------------------------------------------------------------------------------
  function loadToken() {
    const url = new URL(window.location.href);
    const given = url.searchParams.get("token");
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given);
      url.searchParams.delete("token");
      history.replaceState(null, "", url.pathname + url.search + url.hash); // keep it out of history
    }
    state.token = sessionStorage.getItem(TOKEN_KEY);
  }

  function askForToken(message) {
    state.needsToken = true;
    $("token-panel").hidden = false;
    $("token-message").textContent = message;
    setStatus("needs token", "warn");
  }

  function useToken() {
    const value = $("token-input").value.trim();
    if (!value) return;
    state.token = value;
    sessionStorage.setItem(TOKEN_KEY, value);
    $("token-input").value = "";
    $("token-panel").hidden = true;
    state.needsToken = false;
    pollNow();
  }

  // -- polling ------------------------------------------------------------------------------------
  function setStatus(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = null;
    if (!state.paused && !document.hidden && !state.needsToken) state.timer = setTimeout(poll, POLL_MS);
  }

  function pollNow() {
    if (state.polling) {
      state.again = true; // never two polls at once: run again right after this one
      return;
    }
    clearTimeout(state.timer);
    poll();
  }

  async function poll() {
    if (state.polling) return;
    state.polling = true;
    try {
      await refresh();
      setStatus(state.paused ? "paused" : "live", state.paused ? "warn" : "ok");
      $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (!(error instanceof TokenNeeded)) setStatus(`error: ${error.message}`, "bad");
    } finally {
      state.polling = false;
      if (state.again) {
        state.again = false;
        setTimeout(poll, 0);
      } else {
        schedule();
      }
    }
  }

  async function refresh() {
    const overview = api("GET", `/overview${query({ limit: ENV_PAGE, offset: state.envOffset, match: state.envMatch })}`);
    const journal = api("GET", journalPath());
    const faults = api("GET", "/faults");
    const details = state.selected ? api("GET", envPath(state.selected)).catch(() => null) : null;
    const [o, j, f, d] = await Promise.all([overview, journal, faults, details]);
    renderOverview(o);
    renderJournal(j);
    renderFaults(f.faults);
    if (state.selected) renderDetails(d);
  }

  // -- environments -------------------------------------------------------------------------------
  function renderOverview(data) {
    $("version").textContent = `v${data.version}`;
    const shown = data.environments.length;
    const first = shown ? data.offset + 1 : 0;
    $("env-count").textContent = `(${first}–${data.offset + shown} of ${data.total_environments})`;
    $("env-prev").disabled = data.offset === 0;
    $("env-next").disabled = data.offset + shown >= data.total_environments;
    const rows = data.environments.map((env) =>
      el(
        "tr",
        { dataset: { env: env.name }, className: env.name === state.selected ? "selected" : "" },
        el("td", {}, el("button", { type: "button", className: "link", onclick: () => select(env.name) }, env.name)),
        el("td", { className: "users" }, env.users.join(", ")),
        el("td", { className: "num" }, env.companies),
        el("td", { className: "num" }, env.employees),
        el("td", { className: "seeded" }, env.seeded),
        el("td", {}, resetButton(env.name)),
      ),
    );
    replaceRows($("env-table").tBodies[0], rows, "no environments", 6);
    renderEnvOptions(data.environments);
    renderFooter(data);
  }

  function renderEnvOptions(environments) {
    const select = $("journal-env");
    const chosen = select.value;
    const names = environments.map((env) => env.name);
    if (chosen && !names.includes(chosen)) names.unshift(chosen);
    const options = [el("option", { value: "" }, "all environments")];
    for (const name of names) options.push(el("option", { value: name }, name));
    select.replaceChildren(...options);
    select.value = chosen;
  }

  function renderFooter(data) {
    const t = data.throttle;
    $("throttle").textContent = t.enabled
      ? `throttle: ${t.rate_per_second}/s per ${t.scope}, then ${t.delay_seconds} s delay`
      : "throttle: off";
    const j = data.journal;
    $("journal-fill").textContent = j.enabled
      ? `journal: ${j.entries} / ${j.max_entries} entries, ${mib(j.bytes)} / ${mib(j.max_bytes)} MiB`
      : "journal: off (--no-journal)";
  }

  const mib = (bytes) => (bytes / 1048576).toFixed(1);

  // A destructive button asks for a second click within CONFIRM_MS; the state is kept by key, so a
  // button re-rendered by a poll in between stays armed.
  const CONFIRM_MS = 4000;

  function isArmed(key) {
    return state.armed !== null && state.armed.key === key && Date.now() < state.armed.until;
  }

  function dangerButton(key, label, action, extraClass) {
    const button = el(
      "button",
      { type: "button", className: `danger ${extraClass || ""}${isArmed(key) ? " armed" : ""}`, dataset: { key } },
      isArmed(key) ? "Click again to confirm" : label,
    );
    button.addEventListener("click", async () => {
      if (!isArmed(key)) {
        state.armed = { key, until: Date.now() + CONFIRM_MS };
        button.textContent = "Click again to confirm";
        button.classList.add("armed");
        setTimeout(() => disarm(key, label), CONFIRM_MS);
        return;
      }
      state.armed = null;
      button.disabled = true;
      try {
        await action();
      } catch (error) {
        if (!(error instanceof TokenNeeded)) setStatus(`error: ${error.message}`, "bad");
      }
      disarm(key, label);
      pollNow();
    });
    return button;
  }

  function disarm(key, label) {
    if (state.armed && state.armed.key === key && Date.now() < state.armed.until) return; // re-armed
    if (state.armed && state.armed.key === key) state.armed = null;
    for (const button of document.querySelectorAll("button.danger")) {
      if (button.dataset.key === key) {
        button.textContent = label;
        button.classList.remove("armed");
        button.disabled = false;
      }
    }
  }

  function resetButton(name) {
    return dangerButton(`reset:${name}`, "Reset", () => resetEnvironment(name), "small reset");
  }

  async function resetEnvironment(name) {
    await api("POST", `${envPath(name)}/reset`);
    if (state.selected === name) $("details-message").textContent = `reset at ${new Date().toLocaleTimeString()}`;
  }

  function select(name) {
    state.selected = name;
    state.company = null;
    $("employees").hidden = true;
    $("details-message").textContent = "";
    for (const row of $("env-table").tBodies[0].rows) row.classList.toggle("selected", row.dataset.env === name);
    pollNow();
  }

  // -- one environment ----------------------------------------------------------------------------
  function renderDetails(data) {
    if (!data) {
      state.selected = null; // deleted meanwhile
      $("details-name").textContent = "";
      $("details-body").hidden = true;
      $("details-empty").hidden = false;
      return;
    }
    $("details-name").textContent = data.name;
    $("details-empty").hidden = true;
    $("details-body").hidden = false;
    const rows = data.companies.map((company) =>
      el(
        "tr",
        { dataset: { company: company.id } },
        el("td", {}, `${company.name} `, el("span", { className: "muted" }, `#${company.id}`)),
        el("td", {}, company.period_type),
        el("td", { className: "num" }, `${company.current_period.period} / ${company.current_period.year}`),
        el("td", { className: "num" }, company.employees),
        el("td", { className: "runs" }, runsText(company.runs)),
        el("td", {}, el("button", { type: "button", className: "small", onclick: () => showEmployees(company) }, "Employees")),
      ),
    );
    replaceRows($("company-table").tBodies[0], rows, "no companies", 6);
  }

  function runsText(runs) {
    if (!runs.length) return "none";
    return runs
      .map((run) => `${run.period}/${run.year}${run.description ? ` “${run.description}”` : ""}`)
      .join(", ");
  }

  async function showEmployees(company) {
    state.company = company.id;
    const data = await api("GET", `${envPath(state.selected)}/companies/${company.id}/employees`);
    const employees = data.employees;
    $("employees").hidden = false;
    $("employees-company").textContent = company.name;
    $("employees-count").textContent =
      employees.length > MAX_EMPLOYEES ? `(first ${MAX_EMPLOYEES} of ${employees.length})` : `(${employees.length})`;
    const rows = employees
      .slice(0, MAX_EMPLOYEES)
      .map((e) => el("tr", {}, el("td", { className: "num" }, e.id), el("td", { className: "num" }, e.number), el("td", {}, e.name)));
    replaceRows($("employee-table").tBodies[0], rows, "no employees", 3);
  }

  // -- fault rules --------------------------------------------------------------------------------
  function effectText(effect) {
    switch (effect.type) {
      case "nmbrs":
        return `Nmbrs ${effect.code}${effect.text ? `: ${effect.text}` : ""}`;
      case "http":
        return `HTTP ${effect.status}`;
      case "latency":
        if (effect.distribution === "uniform") return `latency ${effect.low}–${effect.high} s`;
        if (effect.distribution === "lognormal") return `latency ~${effect.median} s (σ ${effect.sigma})`;
        return `latency ${effect.seconds} s`;
      case "truncated":
        return `truncated at ${Math.round(effect.fraction * 100)}%`;
      default:
        return effect.type;
    }
  }

  function renderFaults(faults) {
    $("fault-count").textContent = `(${faults.length})`;
    const rows = faults.slice(0, MAX_FAULTS).map((rule) => {
      const remove = el("button", { type: "button", className: "small" }, "Delete");
      remove.addEventListener("click", async () => {
        remove.disabled = true;
        await api("DELETE", `/faults/${rule.id}`).catch(() => null);
        pollNow();
      });
      return el(
        "tr",
        { dataset: { rule: rule.id } },
        el("td", { className: "num" }, rule.id),
        el("td", {}, rule.environment),
        el("td", { className: "op" }, rule.operation),
        el("td", {}, rule.user || "any"),
        el("td", { className: "effect" }, effectText(rule.effect)),
        el("td", { className: "num" }, rule.times === null ? "∞" : rule.times),
        el("td", { className: "num" }, rule.fired),
        el("td", { className: "num" }, rule.probability),
        el("td", {}, rule.expires_at ? `${Math.max(0, Math.round(rule.expires_at - Date.now() / 1000))} s` : "never"),
        el("td", {}, remove),
      );
    });
    replaceRows($("fault-table").tBodies[0], rows, "no active rules", 10);
  }

  // -- journal ------------------------------------------------------------------------------------
  function journalPath() {
    let operation = $("journal-op").value.trim();
    if (operation && !/[*?[]/.test(operation)) operation = `*${operation}*`; // plain text: a substring
    const path = $("journal-faulted").checked ? "/requests/unmatched" : "/requests";
    return path + query({ environment: $("journal-env").value, operation, limit: $("journal-limit").value });
  }

  function statusClass(entry) {
    if (entry.http_status === 0) return "bad";
    if (entry.http_status >= 500 && entry.fault_code === null && entry.injected) return "bad";
    if (entry.http_status >= 400 || entry.fault) return "warn";
    return "ok";
  }

  function renderJournal(data) {
    $("journal-count").textContent = `(newest ${data.requests.length} of ${data.total})`;
    const rows = data.requests.map((entry) => {
      const fault = entry.fault_code !== null ? `${entry.fault_code}: ${entry.fault}` : entry.fault || "";
      return el(
        "tr",
        {
          dataset: { id: entry.id },
          className: `entry${entry.id === state.entry ? " selected" : ""}${entry.injected ? " injected" : ""}`,
          title: "show the request and response",
          onclick: () => showEntry(entry.id),
        },
        el("td", { className: "num" }, entry.id),
        el("td", {}, timeText(entry.time)),
        el("td", {}, entry.environment || "–"),
        el("td", { className: "users" }, entry.username || "–"),
        el("td", { className: "op" }, entry.operation ? `${entry.service}.${entry.operation}` : `${entry.service} (unrouted)`),
        el("td", {}, entry.soap_version),
        el("td", { className: `num ${statusClass(entry)}` }, entry.http_status === 0 ? "reset" : entry.http_status),
        el("td", { className: "num" }, entry.duration_ms.toFixed(1)),
        el("td", { className: `num${entry.delayed_ms > 0 ? " warn" : ""}` }, entry.delayed_ms ? entry.delayed_ms.toFixed(0) : ""),
        el(
          "td",
          { className: "fault", title: entry.fault || "" },
          fault,
          entry.injected ? el("span", { className: "badge", title: entry.injection || "" }, "injected") : null,
        ),
      );
    });
    replaceRows($("journal-table").tBodies[0], rows, "no calls yet", 10);
  }

  function timeText(iso) {
    const moment = new Date(iso);
    if (Number.isNaN(moment.getTime())) return iso;
    return `${moment.toLocaleTimeString()}.${String(moment.getMilliseconds()).padStart(3, "0")}`;
  }

  async function showEntry(id) {
    state.entry = id;
    for (const row of $("journal-table").tBodies[0].rows) row.classList.toggle("selected", row.dataset.id === String(id));
    let entry;
    try {
      entry = await api("GET", `/requests/${id}`);
    } catch (error) {
      if (!(error instanceof TokenNeeded)) setStatus(`error: ${error.message}`, "bad");
      return;
    }
    $("entry").hidden = false;
    $("entry-title").textContent = `#${entry.id} ${entry.service}.${entry.operation || "(unrouted)"}`;
    const facts = [
      ["time", entry.time],
      ["environment", entry.environment],
      ["user", entry.username],
      ["SOAP", entry.soap_version],
      ["HTTP status", entry.http_status === 0 ? "0 (connection reset)" : entry.http_status],
      ["duration", `${entry.duration_ms} ms`],
      ["throttle delay", `${entry.delayed_ms} ms`],
      ["fault", entry.fault_code !== null ? `${entry.fault_code}: ${entry.fault}` : entry.fault],
      ["injected", entry.injected ? entry.injection || "yes" : "no"],
    ];
    $("entry-meta").replaceChildren(
      ...facts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value === null || value === undefined ? "–" : value)]),
    );
    $("entry-args").textContent = entry.args ? JSON.stringify(entry.args, null, 2) : "(not decoded)";
    $("entry-request").textContent = entry.request_body || "(not kept)";
    $("entry-response").textContent = entry.response_body || "(not kept)";
    $("entry-request-cut").textContent = entry.request_truncated ? "(cut at the journal's body cap)" : "";
    $("entry-response-cut").textContent = entry.response_truncated ? "(cut at the journal's body cap)" : "";
    $("entry").scrollIntoView({ block: "nearest" });
  }

  // -- wiring -------------------------------------------------------------------------------------
  function debounce(action, ms) {
    let timer = null;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(action, ms);
    };
  }

  function start() {
    loadToken();
    $("token-use").addEventListener("click", useToken);
    $("token-input").addEventListener("keydown", (event) => {
      if (event.key === "Enter") useToken();
    });
    $("pause").addEventListener("click", () => {
      state.paused = !state.paused;
      $("pause").textContent = state.paused ? "Resume" : "Pause";
      setStatus(state.paused ? "paused" : "live", state.paused ? "warn" : "ok");
      if (state.paused) clearTimeout(state.timer);
      else pollNow();
    });
    $("env-match").addEventListener(
      "input",
      debounce(() => {
        state.envMatch = $("env-match").value.trim().toLowerCase();
        state.envOffset = 0;
        pollNow();
      }, 300),
    );
    $("env-prev").addEventListener("click", () => {
      state.envOffset = Math.max(0, state.envOffset - ENV_PAGE);
      pollNow();
    });
    $("env-next").addEventListener("click", () => {
      state.envOffset += ENV_PAGE;
      pollNow();
    });
    for (const id of ["journal-env", "journal-faulted", "journal-limit"]) $(id).addEventListener("change", pollNow);
    $("journal-op").addEventListener("input", debounce(pollNow, 300));
    $("details-reset").replaceWith(
      Object.assign(dangerButton("reset-selected", "Reset environment", () => resetEnvironment(state.selected)), {
        id: "details-reset",
      }),
    );
    const clearMine = $("details-clear-faults");
    clearMine.addEventListener("click", async () => {
      const data = await api("DELETE", `/faults${query({ environment: state.selected })}`).catch(() => null);
      if (data) $("details-message").textContent = `${data.deleted} rule(s) cleared`;
      pollNow();
    });
    $("faults-clear").replaceWith(
      Object.assign(dangerButton("clear-all", "Clear all rules", () => api("DELETE", "/faults")), { id: "faults-clear" }),
    );
    $("entry-close").addEventListener("click", () => {
      $("entry").hidden = true;
      state.entry = null;
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) clearTimeout(state.timer);
      else pollNow();
    });
    poll();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
