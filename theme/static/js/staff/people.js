// The webmaster's people: invitations (invite, re-send, withdraw) and users (revoke, make admin).
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { all, api, fromWire, showMoment, t } from "./core.js";
import { Actions, Failure, Field, Notice, html, useCall } from "./ui.js";

export function View() {
  const [invitations, setInvitations] = useState(null);
  const [users, setUsers] = useState(null);
  const [message, setMessage] = useState("");
  const [run, busy, error] = useCall();
  const load = () => run(async () => {
    setInvitations((await all("/auth/users/invitations")).data);
    try { setUsers((await all("/users")).data); } catch (problem) { setUsers(problem); }
  });
  useEffect(() => { load(); }, []);
  const act = (words, work) => run(async () => { await work(); setMessage(words); await load(); });
  return html`<${Notice} kind="success">${message}<//>
    <${Failure} error=${error} />
    <${Invite} done=${(email) => { setMessage(t("invited", { email })); load(); }} />
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">${t("invitations")}</h2>
      ${invitations && invitations.length === 0 && html`<p>${t("none")}</p>`}
      <ul class="cards">${(invitations || []).map((item) => {
        const a = item.attributes;
        const state = a.confirmed_at ? "accepted" : fromWire(a.expired_at) < new Date() ? "expired" : "open";
        const who = `${a.first_name} ${a.last_name}`;
        return html`<li class="card">
          <h3>${who}</h3>
          <p class="meta">${a.email} · <span class="badge">${t(`invitation_${state}`)}</span>
            ${a.mailed_at && ` · ${t("mailed_at", { time: showMoment(fromWire(a.mailed_at)) })}`}</p>
          ${state !== "accepted" && html`<${Actions}>
            <button class="button button-quiet" type="button" disabled=${busy} aria-label=${`${t("resend")}: ${who}`}
              onClick=${() => act(t("resent", { email: a.email }), () => api("POST", `/auth/users/invitations/${item.id}`))}>${t("resend")}</button>
            <button class="button button-quiet danger" type="button" disabled=${busy} aria-label=${`${t("withdraw")}: ${who}`}
              onClick=${() => act(t("withdrawn", { email: a.email }), () => api("DELETE", `/auth/users/invitations/${item.id}`))}>${t("withdraw")}</button>
          <//>`}
        </li>`;
      })}</ul>
    </section>
    <section aria-labelledby="users-title">
      <h2 id="users-title">${t("users")}</h2>
      ${users && !Array.isArray(users) && html`<${Failure} error=${users} />`}
      <ul class="cards">${(Array.isArray(users) ? users : []).map((item) => {
        const a = item.attributes;
        const who = [a.first_name, a.last_name].filter(Boolean).join(" ") || a.email;
        const patch = (attributes, words) => act(words, () => api("PATCH", `/users/${item.id}`,
          { json: { data: { type: "users", id: item.id, attributes } } }));
        return html`<li class="card">
          <h3>${who}</h3>
          <p class="meta">${a.email}${a.admin && html` · <span class="badge">${t("admin")}</span>`}${a.revoked && html` · <span class="badge">${t("revoked")}</span>`}</p>
          <${Actions}>
            ${a.revoked
              ? html`<button class="button button-quiet" type="button" disabled=${busy} aria-label=${`${t("restore")}: ${who}`}
                  onClick=${() => patch({ revoked: false }, t("restored", { name: who }))}>${t("restore")}</button>`
              : html`<button class="button button-quiet danger" type="button" disabled=${busy} aria-label=${`${t("revoke")}: ${who}`}
                  onClick=${() => patch({ revoked: true }, t("revoked_done", { name: who }))}>${t("revoke")}</button>`}
            ${a.admin
              ? html`<button class="button button-quiet" type="button" disabled=${busy} aria-label=${`${t("unmake_admin")}: ${who}`}
                  onClick=${() => patch({ admin: false }, t("saved"))}>${t("unmake_admin")}</button>`
              : html`<button class="button button-quiet" type="button" disabled=${busy} aria-label=${`${t("make_admin")}: ${who}`}
                  onClick=${() => patch({ admin: true }, t("saved"))}>${t("make_admin")}</button>`}
          <//>
        </li>`;
      })}</ul>
    </section>`;
}

function Invite({ done }) {
  const empty = { email: "", first_name: "", last_name: "", remark: "" };
  const [form, setForm] = useState(empty);
  const [run, busy, error, fields] = useCall();
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const send = (event) => {
    event.preventDefault();
    run(async () => {
      await api("POST", "/auth/users/invitations", { json: { data: { type: "user_invitations", attributes: form } } });
      setForm(empty);
      done(form.email);
    });
  };
  return html`<form class="editor" onSubmit=${send} novalidate aria-labelledby="invite-title">
    <h2 id="invite-title">${t("invite")}</h2>
    <${Failure} error=${error} />
    <${Field} label=${t("email")} type="email" name="email" value=${form.email} onInput=${set("email")} error=${fields.email} required autocomplete="off" />
    <div class="grid-2">
      <${Field} label=${t("first_name")} name="first_name" value=${form.first_name} onInput=${set("first_name")} error=${fields.first_name} required />
      <${Field} label=${t("last_name")} name="last_name" value=${form.last_name} onInput=${set("last_name")} error=${fields.last_name} required />
    </div>
    <${Field} label=${t("remark")} name="remark" value=${form.remark} onInput=${set("remark")} error=${fields.remark} />
    <${Actions}><button class="button" type="submit" disabled=${busy}>${t("send_invitation")}</button><//>
  </form>`;
}
