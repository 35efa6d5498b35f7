// Everyone's own account: names and language, and a new password.
import { useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { api, config, t } from "./core.js";
import { languageName } from "./texts.js";
import { Actions, Failure, Field, Notice, html, useCall } from "./ui.js";

export function View({ user }) {
  const a = user.attributes;
  const [form, setForm] = useState({ first_name: a.first_name || "", last_name: a.last_name || "", language: a.language || config.lang });
  const [run, busy, error, fields] = useCall();
  const [saved, setSaved] = useState("");
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      await api("PATCH", "/auth/user", { json: { data: { type: "users", id: user.id, attributes: form } } });
      setSaved(t("saved"));
    });
  };
  return html`<form class="editor" onSubmit=${save} novalidate aria-labelledby="me-title">
      <h2 id="me-title">${t("your_account")}</h2>
      <p class="meta">${t("email")}: ${a.email}</p>
      <${Notice} kind="success">${saved}<//>
      <${Failure} error=${error} />
      <div class="grid-2">
        <${Field} label=${t("first_name")} name="first_name" value=${form.first_name} onInput=${set("first_name")} error=${fields.first_name} autocomplete="given-name" />
        <${Field} label=${t("last_name")} name="last_name" value=${form.last_name} onInput=${set("last_name")} error=${fields.last_name} autocomplete="family-name" />
      </div>
      <${Field} as="select" label=${t("language")} name="language" value=${form.language} onInput=${set("language")}
        options=${config.languages.map((lang) => [lang, languageName(lang)])} error=${fields.language} />
      <${Actions}><button class="button" type="submit" disabled=${busy}>${t("save")}</button><//>
    </form>
    <${Password} />`;
}

function Password() {
  const [form, setForm] = useState({ current_password: "", password: "", repeat: "" });
  const [run, busy, error, fields] = useCall();
  const [state, setState] = useState({ saved: "", mismatch: "" });
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const save = (event) => {
    event.preventDefault();
    if (form.password !== form.repeat) { setState({ saved: "", mismatch: t("mismatch") }); return; }
    setState({ saved: "", mismatch: "" });
    run(async () => {
      await api("POST", "/auth/user/password", { form: { current_password: form.current_password, password: form.password } });
      setForm({ current_password: "", password: "", repeat: "" });
      setState({ saved: t("password_saved"), mismatch: "" });
    });
  };
  return html`<form class="editor" onSubmit=${save} novalidate aria-labelledby="password-title">
    <h2 id="password-title">${t("change_password")}</h2>
    <${Notice} kind="success">${state.saved}<//>
    <${Failure} error=${error} />
    <${Field} label=${t("current_password")} type="password" name="current_password" value=${form.current_password}
      onInput=${set("current_password")} error=${fields.current_password} autocomplete="current-password" />
    <${Field} label=${t("new_password")} type="password" name="password" value=${form.password} onInput=${set("password")}
      hint=${t("password_hint", { n: config.min_password })} error=${fields.password} autocomplete="new-password" minlength=${config.min_password} />
    <${Field} label=${t("repeat_password")} type="password" name="repeat" value=${form.repeat} onInput=${set("repeat")}
      error=${state.mismatch} autocomplete="new-password" />
    <${Actions}><button class="button" type="submit" disabled=${busy}>${t("save_password")}</button><//>
  </form>`;
}
