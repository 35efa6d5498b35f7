// The webmaster's site: the last builds and "build now", and the mail queue with its dead letters.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { api, fromWire, showMoment, t } from "./core.js";
import { Actions, Failure, Notice, html, useCall } from "./ui.js";

export function View() {
  const [builds, setBuilds] = useState(null);
  const [mails, setMails] = useState(null);
  const [message, setMessage] = useState("");
  const [run, busy, error] = useCall();
  const load = () => run(async () => {
    setBuilds((await api("GET", "/site/builds?page[limit]=10")).data);
    setMails((await api("GET", "/mails?page[limit]=20")).data);
  });
  useEffect(() => { load(); }, []);
  const act = (work, words) => run(async () => { const said = await work(); setMessage(words(said)); await load(); });
  return html`<${Notice} kind="success">${message}<//>
    <${Failure} error=${error} />
    <section aria-labelledby="builds-title">
      <h2 id="builds-title">${t("builds")}</h2>
      <${Actions}><button class="button" type="button" disabled=${busy}
        onClick=${() => act(() => api("POST", "/site/builds"), (said) => t("build_done", { status: t(`build_${said.data.attributes.status}`) }))}>
        ${busy ? t("building") : t("build_now")}</button><//>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t("builds_table")}><table>
        <caption class="visually-hidden">${t("builds")}</caption>
        <thead><tr><th scope="col">${t("started")}</th><th scope="col">${t("trigger")}</th><th scope="col">${t("status")}</th>
          <th scope="col">${t("files_written")}</th><th scope="col">${t("error")}</th></tr></thead>
        <tbody>${(builds || []).map((build) => {
          const a = build.attributes;
          return html`<tr><td>${showMoment(fromWire(a.started_at))}</td><td>${a.trigger}</td>
            <td><span class=${`badge build-${a.status}`}>${t(`build_${a.status}`)}</span></td>
            <td>${a.files_written ?? ""}</td><td class="error-text">${a.error || ""}</td></tr>`;
        })}</tbody>
      </table></div>
    </section>
    <section aria-labelledby="mails-title">
      <h2 id="mails-title">${t("mails")}</h2>
      <${Actions}><button class="button button-quiet" type="button" disabled=${busy}
        onClick=${() => act(() => api("POST", "/mails/dispatch"), () => t("mails_sent"))}>${t("send_queue")}</button><//>
      ${mails && mails.length === 0 && html`<p>${t("none")}</p>`}
      <ul class="cards">${(mails || []).map((mail) => {
        const a = mail.attributes;
        return html`<li class=${`card mail-${a.status}`}>
          <h3>${a.subject}</h3>
          <p class="meta">${a.recipient} · <span class="badge">${t(`mail_${a.status}`)}</span> · ${showMoment(fromWire(a.created_at))}
            ${a.attempts > 0 && ` · ${t("attempts", { count: a.attempts })}`}</p>
          ${a.last_error && html`<p class="error-text">${a.last_error}</p>`}
          ${(a.status === "dead" || a.status === "cancelled") && html`<${Actions}><button class="button button-quiet" type="button" disabled=${busy}
            aria-label=${`${t("retry")}: ${a.subject}`}
            onClick=${() => act(() => api("POST", `/mails/${mail.id}/retry`), () => t("retry_queued"))}>${t("retry")}</button><//>`}
        </li>`;
      })}</ul>
    </section>`;
}
