// The workspace's building blocks: labelled fields with their errors, notices, and the line that
// says an edit is saved and when it is live on the site.
import { h } from "../../vendor/preact-11.2.0/preact.module.js";
import { useEffect, useRef, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import htm from "../../vendor/htm-3.1.1/htm.module.js";
import { ApiError, api, fieldErrors, fromWire, problem, showMoment, t } from "./core.js";

export const html = htm.bind(h);
let serial = 0;
/** A unique id for a label's control. */
export const uid = (name) => `f-${name.replace(/\W+/g, "-")}-${++serial}`;

/** A field's error: ours in the page's language, or the API's (which speaks English) after a
 * sentence in the page's language. */
export function ErrorText({ id, error }) {
  return html`<p class="field-error" id=${id}>${error && typeof error === "object"
    ? html`${t("field_problem")} <span lang="en">${error.detail}</span>` : error || ""}</p>`;
}

/** A labelled input (or select/textarea via `as`), with a hint and the API's error for it. */
export function Field({ label, name, value, onInput, type = "text", error, hint, as = "input",
  options = [], required = false, ...rest }) {
  const [id] = useState(() => uid(name));
  const described = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(" ");
  const common = {
    id, name, required, "aria-describedby": described, "aria-invalid": error ? "true" : undefined,
    onInput: (event) => onInput(type === "checkbox" ? event.target.checked : event.target.value),
    ...rest,
  };
  let control;
  if (as === "select") {
    control = html`<select ...${common} value=${value}>
      ${options.map(([key, text]) => html`<option value=${key} selected=${String(key) === String(value)}>${text}</option>`)}
    </select>`;
  } else if (as === "textarea") {
    control = html`<textarea ...${common} value=${value}></textarea>`;
  } else if (type === "checkbox") {
    return html`<div class="field field-check">
      <input type="checkbox" ...${common} checked=${!!value} onChange=${common.onInput} onInput=${undefined} />
      <label for=${id}>${label}</label>
      <${ErrorText} id=${`${id}-error`} error=${error} />
    </div>`;
  } else {
    control = html`<input type=${type} ...${common} value=${value ?? ""} />`;
  }
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${control}
    <${ErrorText} id=${`${id}-error`} error=${error} />
  </div>`;
}

/** A message that screen readers announce. */
export function Notice({ kind = "", children }) {
  if (!children) return null;
  return html`<div class=${`notice ${kind ? `is-${kind}` : ""}`} role=${kind === "error" ? "alert" : "status"}>${children}</div>`;
}

/** What went wrong with a call: a sentence in the page's language, then the API's words. */
export function Failure({ error }) {
  if (!error) return null;
  const said = error instanceof ApiError && error.status > 0 ? error.message : "";
  const detail = said && !/[.!?]$/.test(said) ? `${said}.` : said;
  return html`<${Notice} kind="error">${problem(error)}${detail && html` <span lang="en">${detail}</span>`}<//>`;
}

/** Run a call, keeping its error and the errors per field; returns [run, busy, error, fields]. */
export function useCall() {
  const [state, setState] = useState({ busy: false, error: null, fields: {} });
  const run = async (work) => {
    setState({ busy: true, error: null, fields: {} });
    try {
      const result = await work();
      setState({ busy: false, error: null, fields: {} });
      return result;
    } catch (error) {
      setState({ busy: false, error, fields: fieldErrors(error) });
      return undefined;
    }
  };
  return [run, state.busy, state.error, state.fields];
}

/** "Saved at 18:03", then when the site build the edit started has put it live. */
export function Saved({ at }) {
  const [build, setBuild] = useState(null);
  useEffect(() => {
    if (!at) return undefined;
    setBuild(null);
    let stopped = false;
    const since = at.getTime() - 2000;
    const look = async (tries) => {
      if (stopped || tries > 90) return;
      try {
        const latest = (await api("GET", "/site/builds/latest")).data.attributes;
        const started = fromWire(latest.started_at);
        if (started && started.getTime() >= since && latest.finished_at) {
          setBuild(latest);
          return;
        }
      } catch (error) { /* the status is a courtesy: keep trying */ }
      setTimeout(() => look(tries + 1), 2000);
    };
    look(0);
    return () => { stopped = true; };
  }, [at]);
  if (!at) return null;
  let live = t("live_pending");
  if (build && build.status === "failed") live = t("live_failed", { error: build.error || "" });
  else if (build) live = t("live_done", { time: showMoment(fromWire(build.finished_at), { timeStyle: "short" }) });
  return html`<${Notice} kind="success">
    ${t("saved_at", { time: showMoment(at, { timeStyle: "short" }) })} <span class="live">${live}</span>
  <//>`;
}

/** A ref for a form's heading, focused when the form opens: a screen reader hears where it is. */
export function useFocus() {
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  return ref;
}

/** A row of buttons. */
export function Actions({ children }) {
  return html`<div class="actions">${children}</div>`;
}
